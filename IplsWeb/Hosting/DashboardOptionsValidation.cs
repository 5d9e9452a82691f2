using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace IplsWeb.Hosting;

/// <summary>
/// Binds and checks the dashboard's options. Values the configuration binder cannot convert (an
/// unknown enum name, "abc" for a port) become problems like all the others, instead of the binder's
/// exception for the first of them, so one start reports everything that is wrong at once.
/// Registered as the <see cref="IValidateOptions{TOptions}"/> behind <c>ValidateOnStart</c>; the host
/// builder calls <see cref="Read"/> first because the ports and the data lock are needed before the host exists.
/// </summary>
public sealed class DashboardOptionsValidation : IValidateOptions<DashboardOptions>
{
    /// <summary>The options in <paramref name="configuration"/>, or a <see cref="DashboardConfigurationException"/> listing every problem.</summary>
    public static DashboardOptions Read(IConfiguration configuration)
    {
        var (options, problems) = Bind(configuration);
        return problems.Count > 0 ? throw new DashboardConfigurationException(string.Join(Environment.NewLine, problems)) : options;
    }

    /// <summary>Binds what can be bound; every value that cannot, and every problem of the bound options, is listed.</summary>
    public static (DashboardOptions Options, IReadOnlyList<string> Problems) Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(DashboardOptions.Section);
        var problems = new List<string>();
        var unconvertible = new List<KeyValuePair<string, string?>>();
        CheckProperties(section, typeof(DashboardOptions), problems, unconvertible);
        if (unconvertible.Count > 0)
        {
            // Bind the rest with defaults in place of the bad values, so their neighbours are still checked
            // (a null would bind as 0 and be reported a second time, wrongly).
            section = new ConfigurationBuilder()
                .AddConfiguration(configuration)
                .AddInMemoryCollection(unconvertible)
                .Build()
                .GetSection(DashboardOptions.Section);
        }

        DashboardOptions options;
        try
        {
            options = section.Get<DashboardOptions>() ?? new DashboardOptions();
        }
        catch (InvalidOperationException ex)
        {
            // A shape this check does not know; still one clear line rather than a stack trace.
            problems.Add(ex.Message);
            return (new DashboardOptions(), problems);
        }

        problems.AddRange(options.Problems());
        return (options, problems);
    }

    /// <summary>
    /// Validates the options the built host will use (also what <c>configureServices</c> changed) before
    /// anything resolves them, so the same <see cref="DashboardConfigurationException"/> lists every problem.
    /// </summary>
    public static void ThrowOnProblems(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            _ = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            ((IDisposable)app).Dispose(); // releases the data directory's lock
            throw new DashboardConfigurationException(string.Join(Environment.NewLine, ex.Failures), ex);
        }
    }

    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckProperties(IConfigurationSection section, Type type, List<string> problems, List<KeyValuePair<string, string?>> unconvertible)
    {
        object? defaults = null;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                CheckValue(section.GetSection(property.Name), property.PropertyType, problems, unconvertible, () => property.GetValue(defaults ??= Activator.CreateInstance(type)));
            }
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<string> problems, List<KeyValuePair<string, string?>> unconvertible, Func<object?>? fallback = null)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(target))
        {
            if (section.Value is { Length: > 0 } text && !CanConvert(text, target))
            {
                problems.Add($"{section.Path} = \"{text}\": {Expected(target)}");
                object? standIn = fallback is not null ? fallback() : target.IsValueType && type == target ? Activator.CreateInstance(target) : null;
                unconvertible.Add(KeyValuePair.Create(section.Path, Convert.ToString(standIn, CultureInfo.InvariantCulture)));
            }

            return;
        }

        var element = target.IsArray ? target.GetElementType()
            : target.IsGenericType && target.GetGenericTypeDefinition() is var generic && (generic == typeof(List<>) || generic == typeof(IReadOnlyList<>) || generic == typeof(IList<>)) ? target.GetGenericArguments()[0]
            : target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? target.GetGenericArguments()[1]
            : null;
        if (element is not null)
        {
            foreach (var child in section.GetChildren())
            {
                CheckValue(child, element, problems, unconvertible);
            }
        }
        else if (target.IsClass)
        {
            CheckProperties(section, target, problems, unconvertible);
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);

    private static bool CanConvert(string text, Type type)
    {
        if (type == typeof(string))
        {
            return true;
        }

        try
        {
            // The converter the configuration binder uses.
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException || ex.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Expected(Type type) => type switch
    {
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number (with a dot: 0.08)",
        _ when type == typeof(TimeSpan) => "a duration as hh:mm:ss (00:00:30)",
        _ => string.Create(CultureInfo.InvariantCulture, $"not a valid {type.Name}"),
    };
}
