using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using TemplateFleet.PackageIndex;

namespace TemplateFleet.Pins;

/// <summary>
/// How a pin looks as JSON: System.Text.Json over the <see cref="Pin"/> model, camelCase, in declaration order, absent
/// when null, and strict on reading (an unknown key, a missing required one, a null or an empty string is an error),
/// as the result records are. Values with rules of their own (digests, repositories, versions, timestamps) are checked by
/// their converters; <see cref="Explain"/> turns any mistake into one line naming the key path.
/// </summary>
public static partial class PinJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // Debian versions keep their '+' (26.1.5+dfsg1-9) instead of \u002B; a pin is never HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new NonEmptyString(), new Count(), new Timestamp(), new Pep440() },
    };

    /// <summary>One line for what is wrong at <see cref="JsonException.Path"/> of a <paramref name="root"/>, e.g.
    /// "unknown key 'gates.shape' (expected smoke, t4, t4Shape)", "missing key 'revision'", "'inputs' 'md5:..' is not ...".</summary>
    public static string Explain(JsonException e, Type root)
    {
        var path = e.Path is { Length: > 2 } p ? p[2..] : ""; // "$.gates.smoke" is "gates.smoke"
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
            return $"unknown key '{path}' (expected {string.Join(", ", KeysAt(root, path))})";
        if (MissingKey().Match(e.Message) is { Success: true } missing)
            return $"missing key '{(path.Length > 0 ? path + "." : "")}{missing.Groups[1].Value}'";
        // The serializer's own messages end in " Path: ..."; the converters' are the reason alone.
        return e.Message.IndexOf(" Path: ", StringComparison.Ordinal) is var at and > 0
            ? $"'{path}' has a value of the wrong type ({e.Message[..at]})"
            : $"'{path}' {e.Message}";
    }

    /// <summary>The keys the object holding the last segment of <paramref name="path"/> may have.</summary>
    static IEnumerable<string> KeysAt(Type type, string path)
    {
        foreach (var segment in path.Split('.')[..^1])
        {
            var property = Options.GetTypeInfo(type).Properties.First(p => p.Name == segment.Split('[')[0]);
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (segment.Contains('['))
                type = type.GetGenericArguments()[0];
        }
        return Options.GetTypeInfo(type).Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(JsonIgnoreAttribute), false) != true).Select(p => p.Name);
    }

    /// <summary>
    /// A value the file holds as a non-empty string, read by <paramref name="parse"/> (null: "'text' <paramref name="rule"/>") and
    /// written as its <see cref="object.ToString"/>. <paramref name="handleNull"/>: a null in the file is "must be a non-empty string"
    /// too, not left to the serializer.
    /// </summary>
    public abstract class Parsed<T>(Func<string, T?> parse, string rule, bool handleNull = true) : JsonConverter<T> where T : class
    {
        public override bool HandleNull => handleNull;

        public override T Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } s ? s : throw new JsonException("must be a non-empty string");
            return parse(text) ?? throw new JsonException($"'{text}' {rule}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value?.ToString());
    }

    /// <summary>A string in the file is never empty: an empty value is a mistake, a missing one is left out.</summary>
    sealed class NonEmptyString() : Parsed<string>(text => text, "");

    sealed class Count : JsonConverter<int>
    {
        public override int Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n >= 0 ? n : throw new JsonException("must be a whole number of zero or more");

        public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    /// <summary>RFC 3339, written in whole UTC seconds ("2026-11-23T13:05:07Z").</summary>
    sealed class Timestamp : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return DateTimeOffset.TryParseExact(text, ["yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                ? at
                : throw new JsonException($"'{text}' is not an RFC 3339 timestamp");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
    }

    /// <summary>A PEP 440 version as its normal form: pins and result records carry the runtime version typed.</summary>
    public sealed class Pep440() : Parsed<Pep440Version>(
        text => Pep440Version.TryParse(text, out var version) ? version : null, "is not a PEP 440 public version", handleNull: false);

    /// <summary>A string that must match a rule: put on a property with [JsonConverter(typeof(...))].</summary>
    public abstract class Checked(Regex pattern, string rule) : Parsed<string>(text => pattern.IsMatch(text) ? text : null, rule);

    public sealed class Digest() : Checked(Sha256(), "is not a sha256 digest (sha256: followed by 64 lowercase hex digits)");

    public sealed class ContentAddress() : Checked(Sha256(), "is not a sha256 content address (sha256: followed by 64 lowercase hex digits)");

    public sealed class Repository() : Checked(ImageName(), "must be a repository without tag or digest, e.g. 127.0.0.1:5000/molecule-fleet/codex");

    /// <summary>An enum as kebab-case words (BuildOnly is "build-only").</summary>
    public sealed class KebabCase<T> : JsonConverter<T> where T : struct, Enum
    {
        public static string Name(T value) => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

        public override T Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return Enum.GetValues<T>().Where(v => Name(v) == text).Select(v => (T?)v).FirstOrDefault()
                ?? throw new JsonException($"'{text}' is not one of {string.Join(", ", Enum.GetValues<T>().Select(Name))}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    internal static partial Regex Sha256();

    // host[:port]/path without ':tag' in the last component and without '@'.
    [GeneratedRegex(@"^[A-Za-z0-9.\-\[\]:]+(/[a-z0-9]+(?:[._\-][a-z0-9]+)*)+$")]
    private static partial Regex ImageName();

    [GeneratedRegex("missing required properties including: '([^']+)'")]
    private static partial Regex MissingKey();
}
