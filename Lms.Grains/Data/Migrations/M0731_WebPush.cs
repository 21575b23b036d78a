using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Web Push: each browser (device) a person allowed to notify them, as its push service gave it (the endpoint and the
/// keys the payload is encrypted to), and the server's VAPID key pair when configuration gives none: generated once,
/// so every node signs with the same key and the browsers' subscriptions stay valid.
/// </summary>
[Migration(731, "Web Push: subscriptions per device, the server's VAPID keys")]
public sealed class M0731_WebPush : Migration
{
    public override void Up()
    {
        Create.Table("push_subscriptions")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_push_subscriptions_user", "users", "id")
            .WithColumn("endpoint").AsString(800).NotNullable()
            .WithColumn("p256dh").AsString(200).NotNullable()
            .WithColumn("auth").AsString(100).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        // A device subscribes once; signing in as someone else on it moves the subscription to them.
        Create.Index("ux_push_subscriptions_endpoint").OnTable("push_subscriptions").OnColumn("endpoint").Ascending().WithOptions().Unique();
        Create.Index("ix_push_subscriptions_user").OnTable("push_subscriptions").OnColumn("user_id");

        Create.Table("push_vapid_keys")
            .WithColumn("id").AsInt32().PrimaryKey("pk_push_vapid_keys")
            .WithColumn("public_key").AsString(200).NotNullable()
            .WithColumn("private_key").AsString(200).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("push_vapid_keys");
        Delete.Table("push_subscriptions");
    }
}
