using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Lms as an OpenID Connect provider for other school systems (docs/identity-provider.md). OpenIddict runs in its
/// degraded mode (no stores of its own): these tables are the clients a platform admin registers, each person's
/// consent per client, the signing and encryption keys (encrypted with the data protection key ring, so every server
/// and every restart signs with the same keys), and the authorization codes and refresh tokens already redeemed
/// (the primary key makes each one single-use, across servers).
/// </summary>
[Migration(810, "Identity provider: registered clients, consents, signing keys, redeemed codes")]
public sealed class M0810_IdentityProvider : Migration
{
    public override void Up()
    {
        Create.Table("idp_clients")
            .WithColumn("id").AsGuid().PrimaryKey()
            // The client_id a relying party sends; random, given by Lms.
            .WithColumn("client_id").AsString(64).NotNullable().Unique("ux_idp_clients_client_id")
            .WithColumn("display_name").AsString(100).NotNullable()
            // One exact redirect URI per line (compared as whole strings, never by prefix).
            .WithColumn("redirect_uris").AsString(4000).NotNullable()
            // The scopes the client may ask for, space separated (openid always).
            .WithColumn("allowed_scopes").AsString(200).NotNullable()
            // Null for a public client (PKCE only); else SHA-256 of the random secret, shown once when made.
            .WithColumn("secret_hash").AsString(100).Nullable()
            // The key of the client's pairwise subject identifiers: the same person is a different `sub` at each client.
            .WithColumn("subject_salt").AsString(100).NotNullable()
            .WithColumn("created_by").AsGuid().NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();

        Create.Table("idp_consents")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_idp_consents").ForeignKey("fk_idp_consents_user", "users", "id")
            .WithColumn("client_id").AsGuid().NotNullable().PrimaryKey("pk_idp_consents").ForeignKey("fk_idp_consents_client", "idp_clients", "id")
            .WithColumn("scopes").AsString(200).NotNullable()
            // Tokens issued before this moment no longer work (a consent revoked and given again starts afresh).
            .WithColumn("granted_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_idp_consents_client").OnTable("idp_consents").OnColumn("client_id");

        Create.Table("idp_keys")
            // "signing" or "encryption": one row each, the first server to start makes it.
            .WithColumn("purpose").AsString(20).PrimaryKey("pk_idp_keys")
            .WithColumn("protected_key").AsString(8000).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();

        Create.Table("idp_redeemed")
            .WithColumn("token_id").AsString(64).PrimaryKey("pk_idp_redeemed")
            .WithColumn("expires_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_idp_redeemed_expires").OnTable("idp_redeemed").OnColumn("expires_at");
    }

    public override void Down()
    {
        Delete.Table("idp_redeemed");
        Delete.Table("idp_keys");
        Delete.Table("idp_consents");
        Delete.Table("idp_clients");
    }
}
