using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The shared content library: items and their versions, tags, subtitles, resumable uploads, the
/// media job queue, recordings made of pieces, per-institution quotas, and how far each learner
/// has watched a video in a course.
/// </summary>
[Migration(301, "Content library, uploads, media jobs, recordings, watch progress")]
public sealed class M0301_ContentLibrary : Migration
{
    public override void Up()
    {
        Create.Table("content_items")
            .WithColumn("id").AsGuid().PrimaryKey("pk_content_items")
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_content_items_institution", "institutions", "id")
            .WithColumn("owner_id").AsGuid().NotNullable().ForeignKey("fk_content_items_owner", "users", "id")
            .WithColumn("type").AsString(20).NotNullable()
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("description").AsString(4000).Nullable()
            .WithColumn("subject").AsString(100).Nullable()
            .WithColumn("grade").AsString(50).Nullable()
            .WithColumn("curriculum_code").AsString(50).Nullable()
            .WithColumn("language").AsString(10).NotNullable()
            .WithColumn("licence").AsString(30).NotNullable()
            .WithColumn("visibility").AsString(20).NotNullable()
            .WithColumn("tags").AsString(1000).Nullable()
            .WithColumn("url").AsString(2000).Nullable()
            .WithColumn("status").AsString(20).NotNullable()
            .WithColumn("current_version_id").AsGuid().Nullable()
            // Title, description, subject, tags… folded (lower case, no diacritics): what full-text search indexes.
            .WithColumn("search_text").AsString(int.MaxValue).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_content_items_institution").OnTable("content_items").OnColumn("institution_id");
        Create.Index("ix_content_items_owner").OnTable("content_items").OnColumn("owner_id");
        Create.Index("ix_content_items_visibility").OnTable("content_items").OnColumn("visibility");
        Create.Index("ix_content_items_updated").OnTable("content_items").OnColumn("updated_at");

        Create.Table("content_tags")
            .WithColumn("item_id").AsGuid().NotNullable().PrimaryKey("pk_content_tags").ForeignKey("fk_content_tags_item", "content_items", "id")
            .WithColumn("tag").AsString(50).NotNullable().PrimaryKey("pk_content_tags");
        Create.Index("ix_content_tags_tag").OnTable("content_tags").OnColumn("tag");

        Create.Table("content_versions")
            .WithColumn("id").AsGuid().PrimaryKey("pk_content_versions")
            .WithColumn("item_id").AsGuid().NotNullable().ForeignKey("fk_content_versions_item", "content_items", "id")
            .WithColumn("number").AsInt32().NotNullable()
            .WithColumn("status").AsString(20).NotNullable()
            .WithColumn("source_key").AsString(400).Nullable()
            .WithColumn("source_name").AsString(260).NotNullable()
            .WithColumn("source_type").AsString(100).Nullable()
            .WithColumn("source_bytes").AsInt64().NotNullable()
            .WithColumn("source_sha1").AsString(40).Nullable()
            .WithColumn("output_prefix").AsString(400).Nullable()
            .WithColumn("output_bytes").AsInt64().NotNullable()
            .WithColumn("manifest").AsString(int.MaxValue).Nullable()
            .WithColumn("duration_seconds").AsDouble().Nullable()
            .WithColumn("error_code").AsString(50).Nullable()
            .WithColumn("error_message").AsString(2000).Nullable()
            // The job that published it: a job publishes at most once.
            .WithColumn("published_by_job").AsGuid().Nullable()
            .WithColumn("created_by").AsGuid().NotNullable().ForeignKey("fk_content_versions_creator", "users", "id")
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("ready_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_content_versions_item").OnTable("content_versions").OnColumn("item_id");
        Execute.Sql("CREATE UNIQUE INDEX ux_content_versions_job ON content_versions (published_by_job) WHERE published_by_job IS NOT NULL");
        Create.Index("ux_content_versions_number").OnTable("content_versions")
            .OnColumn("item_id").Ascending().OnColumn("number").Ascending().WithOptions().Unique();

        Create.Table("content_subtitles")
            .WithColumn("id").AsGuid().PrimaryKey("pk_content_subtitles")
            .WithColumn("item_id").AsGuid().NotNullable().ForeignKey("fk_content_subtitles_item", "content_items", "id")
            .WithColumn("language").AsString(10).NotNullable()
            .WithColumn("label").AsString(100).NotNullable()
            .WithColumn("store_key").AsString(400).NotNullable()
            .WithColumn("bytes").AsInt64().NotNullable()
            .WithColumn("created_by").AsGuid().NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_content_subtitles_item").OnTable("content_subtitles").OnColumn("item_id");

        // A tus upload in progress: its bytes count against the institution's quota from its creation.
        Create.Table("content_uploads")
            .WithColumn("id").AsGuid().PrimaryKey("pk_content_uploads")
            .WithColumn("owner_id").AsGuid().NotNullable().ForeignKey("fk_content_uploads_owner", "users", "id")
            .WithColumn("institution_id").AsGuid().NotNullable()
            .WithColumn("item_id").AsGuid().NotNullable()
            .WithColumn("file_name").AsString(260).NotNullable()
            .WithColumn("file_type").AsString(100).Nullable()
            .WithColumn("length").AsInt64().NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("expires_at").AsDateTimeOffset().NotNullable()
            .WithColumn("completed_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_content_uploads_institution").OnTable("content_uploads").OnColumn("institution_id");
        Create.Index("ix_content_uploads_expires").OnTable("content_uploads").OnColumn("expires_at");

        // The durable job queue. A worker leases a job (lease_token, lease_until) and renews the lease
        // with each heartbeat; a job whose lease ran out is taken again by another worker.
        Create.Table("media_jobs")
            .WithColumn("id").AsGuid().PrimaryKey("pk_media_jobs")
            .WithColumn("kind").AsString(30).NotNullable()
            .WithColumn("subject_id").AsGuid().NotNullable()
            .WithColumn("item_id").AsGuid().Nullable()
            .WithColumn("recording_id").AsGuid().Nullable()
            .WithColumn("state").AsString(20).NotNullable()
            .WithColumn("attempts").AsInt32().NotNullable()
            .WithColumn("max_attempts").AsInt32().NotNullable()
            .WithColumn("run_after").AsDateTimeOffset().NotNullable()
            .WithColumn("lease_token").AsGuid().Nullable()
            .WithColumn("lease_owner").AsString(200).Nullable()
            .WithColumn("lease_until").AsDateTimeOffset().Nullable()
            .WithColumn("progress").AsDouble().NotNullable()
            .WithColumn("error_code").AsString(50).Nullable()
            .WithColumn("error_message").AsString(2000).Nullable()
            .WithColumn("created_by").AsGuid().Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable()
            .WithColumn("finished_at").AsDateTimeOffset().Nullable();
        // One job per thing to do: enqueueing twice is a no-op.
        Create.Index("ux_media_jobs_subject").OnTable("media_jobs")
            .OnColumn("kind").Ascending().OnColumn("subject_id").Ascending().WithOptions().Unique();
        Create.Index("ix_media_jobs_state").OnTable("media_jobs")
            .OnColumn("state").Ascending().OnColumn("run_after").Ascending();
        Create.Index("ix_media_jobs_updated").OnTable("media_jobs").OnColumn("updated_at");

        Create.Table("content_recordings")
            .WithColumn("id").AsGuid().PrimaryKey("pk_content_recordings")
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_content_recordings_institution", "institutions", "id")
            .WithColumn("owner_id").AsGuid().NotNullable().ForeignKey("fk_content_recordings_owner", "users", "id")
            .WithColumn("course_id").AsGuid().Nullable()
            .WithColumn("module_id").AsGuid().Nullable()
            .WithColumn("session_id").AsString(100).Nullable()
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("status").AsString(20).NotNullable()
            .WithColumn("ladder").AsString(2000).Nullable()
            .WithColumn("piece_count").AsInt32().Nullable()
            .WithColumn("item_id").AsGuid().Nullable()
            .WithColumn("course_item_id").AsGuid().Nullable()
            .WithColumn("error_message").AsString(2000).Nullable()
            .WithColumn("started_at").AsDateTimeOffset().NotNullable()
            .WithColumn("ended_at").AsDateTimeOffset().Nullable()
            .WithColumn("published_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_content_recordings_owner").OnTable("content_recordings").OnColumn("owner_id");

        Create.Table("content_recording_pieces")
            .WithColumn("id").AsGuid().PrimaryKey("pk_content_recording_pieces")
            .WithColumn("recording_id").AsGuid().NotNullable().ForeignKey("fk_content_recording_pieces_recording", "content_recordings", "id")
            .WithColumn("piece_index").AsInt32().NotNullable()
            .WithColumn("status").AsString(20).NotNullable()
            .WithColumn("source_key").AsString(400).NotNullable()
            .WithColumn("source_bytes").AsInt64().NotNullable()
            .WithColumn("output_prefix").AsString(400).Nullable()
            .WithColumn("output_bytes").AsInt64().NotNullable()
            .WithColumn("manifest").AsString(int.MaxValue).Nullable()
            .WithColumn("error_message").AsString(2000).Nullable()
            .WithColumn("received_at").AsDateTimeOffset().NotNullable()
            .WithColumn("ready_at").AsDateTimeOffset().Nullable();
        Create.Index("ux_content_recording_pieces_index").OnTable("content_recording_pieces")
            .OnColumn("recording_id").Ascending().OnColumn("piece_index").Ascending().WithOptions().Unique();

        Create.Table("content_quotas")
            .WithColumn("institution_id").AsGuid().PrimaryKey("pk_content_quotas").ForeignKey("fk_content_quotas_institution", "institutions", "id")
            .WithColumn("quota_bytes").AsInt64().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();

        // How much of a video (or sound) in a course a learner has watched: where they stopped and
        // which stretches they actually played (seeking past does not count). No foreign key to
        // course_items: the course outline deletes its items without knowing about this table.
        Create.Table("content_watch")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_content_watch").ForeignKey("fk_content_watch_user", "users", "id")
            .WithColumn("course_item_id").AsGuid().NotNullable().PrimaryKey("pk_content_watch")
            .WithColumn("course_id").AsGuid().NotNullable()
            .WithColumn("content_id").AsGuid().NotNullable()
            .WithColumn("position_seconds").AsDouble().NotNullable()
            .WithColumn("duration_seconds").AsDouble().NotNullable()
            .WithColumn("watched_seconds").AsDouble().NotNullable()
            .WithColumn("ranges").AsString(4000).NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_content_watch_course_user").OnTable("content_watch")
            .OnColumn("course_id").Ascending().OnColumn("user_id").Ascending();
    }

    public override void Down()
    {
        foreach (var table in new[]
                 {
                     "content_watch", "content_quotas", "content_recording_pieces", "content_recordings", "media_jobs",
                     "content_uploads", "content_subtitles", "content_versions", "content_tags", "content_items",
                 })
            Delete.Table(table);
    }
}
