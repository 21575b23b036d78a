using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Sign-in with an institution's own OpenID Connect provider (Microsoft Entra ID, Google Workspace, any certified OP).
/// An institution connects providers; each vouches for e-mail domains, and a domain belongs to one provider across
/// the platform (the primary key says so). A person's link to a provider account is its issuer and subject (the
/// provider's stable id for them): once made, a later e-mail change at the provider still finds the person, and one
/// person has at most one subject per issuer (the unique index refuses a second).
/// </summary>
[Migration(800, "Identity: institutions' OpenID Connect providers, their e-mail domains, people's links to provider accounts")]
public sealed class M0800_SignInProviders : Migration
{
    public override void Up()
    {
        Create.Table("oidc_providers")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_oidc_providers_institution", "institutions", "id")
            .WithColumn("display_name").AsString(100).NotNullable()
            .WithColumn("issuer").AsString(200).NotNullable()
            .WithColumn("client_id").AsString(200).NotNullable()
            // Encrypted by the server's data protection key ring; this layer never sees it in clear.
            .WithColumn("protected_client_secret").AsString(2000).NotNullable()
            // Whether someone not on the roster is created on first sign-in, and with which role (student or teacher).
            .WithColumn("creates_accounts").AsBoolean().NotNullable()
            .WithColumn("new_person_role").AsString(20).Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_oidc_providers_institution").OnTable("oidc_providers").OnColumn("institution_id");

        Create.Table("oidc_provider_domains")
            .WithColumn("domain").AsString(253).PrimaryKey("pk_oidc_provider_domains")
            .WithColumn("provider_id").AsGuid().NotNullable().ForeignKey("fk_oidc_provider_domains_provider", "oidc_providers", "id");
        Create.Index("ix_oidc_provider_domains_provider").OnTable("oidc_provider_domains").OnColumn("provider_id");

        Create.Table("oidc_links")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("issuer").AsString(200).NotNullable()
            .WithColumn("subject").AsString(200).NotNullable()
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_oidc_links_user", "users", "id")
            .WithColumn("provider_id").AsGuid().NotNullable().ForeignKey("fk_oidc_links_provider", "oidc_providers", "id")
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("last_used_at").AsDateTimeOffset().NotNullable();
        Create.Index("ux_oidc_links_subject").OnTable("oidc_links")
            .OnColumn("issuer").Ascending().OnColumn("subject").Ascending().WithOptions().Unique();
        Create.Index("ux_oidc_links_user_issuer").OnTable("oidc_links")
            .OnColumn("user_id").Ascending().OnColumn("issuer").Ascending().WithOptions().Unique();
    }

    public override void Down()
    {
        Delete.Table("oidc_links");
        Delete.Table("oidc_provider_domains");
        Delete.Table("oidc_providers");
    }
}
