using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Federated.Coordinator.Persistence;

/// <summary>How store values become SQLite values and back: commands, parameters, timestamps, enums, metrics.</summary>
internal static class SqliteValues
{
    /// <summary>ISO-8601 UTC with all seven fractional digits: exact to the tick, sorts as text, reads in the sqlite3 shell.</summary>
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static SqliteCommand CreateCommand(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Adds a named parameter; null becomes SQL NULL.</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static string ToText(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static string? ToText(DateTimeOffset? timestamp) => timestamp is { } value ? ToText(value) : null;

    public static string ToText<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Enum.GetName(value) ?? throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not a defined {typeof(TEnum).Name}.");

    /// <summary>SQLite turns a NaN REAL into NULL; the store says so explicitly and reads NULL back as NaN.</summary>
    public static object ToMetricValue(double value) => double.IsNaN(value) ? DBNull.Value : value;

    public static DateTimeOffset GetTimestamp(this SqliteDataReader reader, int ordinal)
    {
        string text = reader.GetString(ordinal);
        if (!DateTime.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
            throw new InvalidDataException($"Column '{reader.GetName(ordinal)}' holds '{text}', which is not a timestamp the store wrote.");
        return new DateTimeOffset(utc, TimeSpan.Zero);
    }

    public static DateTimeOffset? GetNullableTimestamp(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetTimestamp(ordinal);

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetNullableInt64(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static double GetMetricValue(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);

    public static TEnum GetEnum<TEnum>(this SqliteDataReader reader, int ordinal) where TEnum : struct, Enum
    {
        string text = reader.GetString(ordinal);
        // Names only: TryParse would also take digits and comma lists.
        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Enum.GetName(value), text, StringComparison.Ordinal))
                return value;
        }
        throw new InvalidDataException($"Column '{reader.GetName(ordinal)}' holds '{text}', which is not a {typeof(TEnum).Name}.");
    }
}
