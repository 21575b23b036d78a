using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The school year of a lower- or upper-secondary school: its two terms, the curriculum's subjects (how each is
/// assessed, how many periods a year), each class's homeroom and subject teachers, the weekly timetable, the roll of
/// every period, parents' leave requests and the notices a family is sent. Days are ISO text (yyyy-MM-dd): a school
/// day is a date in the school's calendar, not an instant, and text sorts and compares the same in every database.
/// </summary>
[Migration(700, "School year: terms, subjects, class teachers, timetable, roll calls, leave requests, family notices")]
public sealed class M0700_SchoolYear : Migration
{
    public override void Up()
    {
        Create.Table("school_years")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_school_years_institution", "institutions", "id")
            .WithColumn("name").AsString(20).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ux_school_years_name").OnTable("school_years")
            .OnColumn("institution_id").Ascending().OnColumn("name").Ascending().WithOptions().Unique();

        Create.Table("school_terms")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("school_year_id").AsGuid().NotNullable().ForeignKey("fk_school_terms_year", "school_years", "id")
            .WithColumn("number").AsInt32().NotNullable()
            .WithColumn("starts_on").AsString(10).NotNullable()
            .WithColumn("ends_on").AsString(10).NotNullable();
        Create.Index("ux_school_terms_number").OnTable("school_terms")
            .OnColumn("school_year_id").Ascending().OnColumn("number").Ascending().WithOptions().Unique();

        Create.Table("subjects")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_subjects_institution", "institutions", "id")
            .WithColumn("code").AsString(20).NotNullable()
            .WithColumn("name").AsString(100).NotNullable()
            // "scored" (comment and a score 0-10) or "comment" (Đạt / Chưa đạt), by Circular 22/2021 article 5.
            .WithColumn("assessment").AsString(10).NotNullable()
            .WithColumn("periods_per_year").AsInt32().NotNullable()
            .WithColumn("position").AsInt32().NotNullable();
        Create.Index("ux_subjects_code").OnTable("subjects")
            .OnColumn("institution_id").Ascending().OnColumn("code").Ascending().WithOptions().Unique();

        Create.Table("class_homerooms")
            .WithColumn("school_year_id").AsGuid().NotNullable().PrimaryKey("pk_class_homerooms").ForeignKey("fk_class_homerooms_year", "school_years", "id")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_class_homerooms").ForeignKey("fk_class_homerooms_class", "classes", "id")
            .WithColumn("teacher_id").AsGuid().NotNullable().ForeignKey("fk_class_homerooms_teacher", "users", "id");

        Create.Table("class_subject_teachers")
            .WithColumn("school_year_id").AsGuid().NotNullable().PrimaryKey("pk_class_subject_teachers").ForeignKey("fk_class_subject_teachers_year", "school_years", "id")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_class_subject_teachers").ForeignKey("fk_class_subject_teachers_class", "classes", "id")
            .WithColumn("subject_id").AsGuid().NotNullable().PrimaryKey("pk_class_subject_teachers").ForeignKey("fk_class_subject_teachers_subject", "subjects", "id")
            .WithColumn("teacher_id").AsGuid().NotNullable().ForeignKey("fk_class_subject_teachers_teacher", "users", "id");
        Create.Index("ix_class_subject_teachers_teacher").OnTable("class_subject_teachers").OnColumn("teacher_id");

        Create.Table("timetable_slots")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("school_year_id").AsGuid().NotNullable().ForeignKey("fk_timetable_slots_year", "school_years", "id")
            .WithColumn("class_id").AsGuid().NotNullable().ForeignKey("fk_timetable_slots_class", "classes", "id")
            // 1 = Monday … 7 = Sunday (ISO), period 1-10 of the day.
            .WithColumn("weekday").AsInt32().NotNullable()
            .WithColumn("period").AsInt32().NotNullable()
            .WithColumn("subject_id").AsGuid().NotNullable().ForeignKey("fk_timetable_slots_subject", "subjects", "id")
            .WithColumn("teacher_id").AsGuid().NotNullable().ForeignKey("fk_timetable_slots_teacher", "users", "id")
            .WithColumn("room").AsString(50).Nullable()
            .WithColumn("online").AsBoolean().NotNullable();
        Create.Index("ux_timetable_slots_class").OnTable("timetable_slots")
            .OnColumn("school_year_id").Ascending().OnColumn("class_id").Ascending().OnColumn("weekday").Ascending().OnColumn("period").Ascending()
            .WithOptions().Unique();
        // A teacher teaches one class at a time: the database refuses a double booking, whoever writes at the same moment.
        Create.Index("ux_timetable_slots_teacher").OnTable("timetable_slots")
            .OnColumn("school_year_id").Ascending().OnColumn("teacher_id").Ascending().OnColumn("weekday").Ascending().OnColumn("period").Ascending()
            .WithOptions().Unique();

        Create.Table("roll_calls")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("slot_id").AsGuid().NotNullable().ForeignKey("fk_roll_calls_slot", "timetable_slots", "id")
            .WithColumn("class_id").AsGuid().NotNullable().ForeignKey("fk_roll_calls_class", "classes", "id")
            .WithColumn("on_date").AsString(10).NotNullable()
            .WithColumn("period").AsInt32().NotNullable()
            .WithColumn("taken_by").AsGuid().NotNullable().ForeignKey("fk_roll_calls_teacher", "users", "id")
            .WithColumn("taken_at").AsDateTimeOffset().NotNullable();
        Create.Index("ux_roll_calls_slot_date").OnTable("roll_calls")
            .OnColumn("slot_id").Ascending().OnColumn("on_date").Ascending().WithOptions().Unique();
        Create.Index("ix_roll_calls_class_date").OnTable("roll_calls").OnColumn("class_id").Ascending().OnColumn("on_date").Ascending();

        // Only who was not simply present: absent or late, and whether the absence is excused (có phép).
        Create.Table("attendance_marks")
            .WithColumn("roll_call_id").AsGuid().NotNullable().PrimaryKey("pk_attendance_marks").ForeignKey("fk_attendance_marks_roll", "roll_calls", "id")
            .WithColumn("student_id").AsGuid().NotNullable().PrimaryKey("pk_attendance_marks").ForeignKey("fk_attendance_marks_student", "users", "id")
            .WithColumn("status").AsString(10).NotNullable()
            .WithColumn("excused").AsBoolean().NotNullable();
        Create.Index("ix_attendance_marks_student").OnTable("attendance_marks").OnColumn("student_id");

        Create.Table("leave_requests")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("school_year_id").AsGuid().NotNullable().ForeignKey("fk_leave_requests_year", "school_years", "id")
            .WithColumn("class_id").AsGuid().NotNullable().ForeignKey("fk_leave_requests_class", "classes", "id")
            .WithColumn("student_id").AsGuid().NotNullable().ForeignKey("fk_leave_requests_student", "users", "id")
            .WithColumn("requested_by").AsGuid().NotNullable().ForeignKey("fk_leave_requests_parent", "users", "id")
            .WithColumn("from_date").AsString(10).NotNullable()
            .WithColumn("to_date").AsString(10).NotNullable()
            // Both null: whole days; else the periods from_period..to_period of each day.
            .WithColumn("from_period").AsInt32().Nullable()
            .WithColumn("to_period").AsInt32().Nullable()
            .WithColumn("reason").AsString(500).NotNullable()
            // pending, approved or refused
            .WithColumn("status").AsString(10).NotNullable()
            .WithColumn("decided_by").AsGuid().Nullable().ForeignKey("fk_leave_requests_decider", "users", "id")
            .WithColumn("decided_at").AsDateTimeOffset().Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_leave_requests_student").OnTable("leave_requests").OnColumn("student_id");
        Create.Index("ix_leave_requests_class").OnTable("leave_requests").OnColumn("class_id");

        Create.Table("family_notices")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("parent_id").AsGuid().NotNullable().ForeignKey("fk_family_notices_parent", "users", "id")
            .WithColumn("student_id").AsGuid().NotNullable().ForeignKey("fk_family_notices_student", "users", "id")
            // "absence": an unexcused absence from a period (roll_call_id names it).
            .WithColumn("kind").AsString(20).NotNullable()
            .WithColumn("roll_call_id").AsGuid().Nullable().ForeignKey("fk_family_notices_roll", "roll_calls", "id")
            .WithColumn("on_date").AsString(10).NotNullable()
            .WithColumn("period").AsInt32().Nullable()
            .WithColumn("subject_name").AsString(100).Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("read_at").AsDateTimeOffset().Nullable();
        // One notice per parent, child and period however often the roll is saved again.
        Create.Index("ux_family_notices_once").OnTable("family_notices")
            .OnColumn("parent_id").Ascending().OnColumn("student_id").Ascending().OnColumn("roll_call_id").Ascending().WithOptions().Unique();
    }

    public override void Down()
    {
        foreach (var table in new[]
                 {
                     "family_notices", "leave_requests", "attendance_marks", "roll_calls", "timetable_slots", "class_subject_teachers",
                     "class_homerooms", "subjects", "school_terms", "school_years",
                 })
            Delete.Table(table);
    }
}
