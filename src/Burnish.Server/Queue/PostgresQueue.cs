using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace Burnish.Server.Queue;

/// <summary>The shared queue of a scale-out: Hangfire on PostgreSQL, which any number of <c>burnish worker</c> processes take from.</summary>
public static class PostgresQueue
{
    /// <summary>
    /// A job whose worker died is handed out again this long after its last heartbeat. The timeout slides while the
    /// worker lives, so a long image never runs twice (the Hangfire.PostgreSql default, a fixed 30 min, would).
    /// </summary>
    public static readonly TimeSpan Requeue = TimeSpan.FromSeconds(20);

    public static JobStorage Storage(string database)
    {
        var options = new PostgreSqlStorageOptions
        {
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = Requeue,
            QueuePollInterval = TimeSpan.FromMilliseconds(200),
            PrepareSchemaIfNecessary = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(ConnectionString(database), options), options);
    }

    /// <summary>Npgsql's form of postgres://USER:PASSWORD@HOST:PORT/DATABASE; throws <see cref="BurnishException"/> for anything else.</summary>
    public static string ConnectionString(string database)
    {
        if (!Uri.TryCreate(database, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql") || uri.Host.Length == 0)
            throw new BurnishException($"--db '{Redacted(database)}' is not postgres://USER:PASSWORD@HOST:PORT/DATABASE");
        var user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')) is { Length: > 0 } db ? db : "postgres",
            Username = user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        return builder.ConnectionString;
    }

    /// <summary>The address without its password, for messages.</summary>
    public static string Redacted(string database) =>
        Uri.TryCreate(database, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':')
            ? database.Replace(uri.UserInfo, uri.UserInfo.Split(':')[0] + ":***") : database;
}
