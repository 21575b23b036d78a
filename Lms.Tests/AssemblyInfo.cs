using Lms.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(PostgresServer))]
