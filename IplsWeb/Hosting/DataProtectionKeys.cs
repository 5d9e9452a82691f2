using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Internal;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IplsWeb.Hosting;

/// <summary>
/// The keys that protect sign-in cookies and antiforgery tokens: kept in <c>DataDirectory/keys</c> (the
/// container's volume), so a restarted or recreated dashboard keeps its sign-ins, in a directory only the
/// dashboard's user may open (0700, also made so when an older version left it wider), each key file
/// owner-only (0600).
/// They are not encrypted at rest: Linux has no DPAPI, and a certificate to encrypt them with would
/// normally lie on the same disk under the same permissions, adding little. So the framework's
/// warning that says so on every new key ("No XML encryptor configured", EventId 35 of the key manager)
/// is replaced by one line of ours saying where the key is and what guards it; every other message of
/// the key manager passes unchanged.
/// </summary>
public static partial class DataProtectionKeys
{
    public const string DirectoryName = "keys";

    /// <summary>Part of every protected payload: keys and cookies stay valid across versions and install paths.</summary>
    public const string ApplicationName = "ipls-dashboard";

    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Makes the key directory (owner only) and registers data protection with it; a <see cref="DashboardConfigurationException"/> when it cannot.</summary>
    public static void Add(IServiceCollection services, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        string directory = Path.Combine(Path.GetFullPath(dataDirectory), DirectoryName);
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode);
                File.SetUnixFileMode(directory, DirectoryMode); // CreateDirectory leaves an existing one as it is
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DashboardConfigurationException(
                $"Dashboard:DataDirectory: the keys of sign-in cookies need {directory} as a directory of the dashboard's user, mode 0700: {ex.Message}", ex);
        }

        services.AddDataProtection()
            .SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new OwnerOnlyKeyRepository(new FileSystemXmlRepository(new DirectoryInfo(directory), sp.GetRequiredService<ILoggerFactory>()), directory)));

        // The key manager the framework registers, made as the container would make it, with a logger
        // factory that swaps that one warning for our line.
        services.Replace(ServiceDescriptor.Singleton<IKeyManager>(sp => new XmlKeyManager(
            sp.GetRequiredService<IOptions<KeyManagementOptions>>(),
            sp.GetRequiredService<IActivator>(),
            new KeyManagerLogging(sp.GetRequiredService<ILoggerFactory>(), directory))));
    }

    /// <summary>
    /// The framework's file repository (which writes key files owner-only), with any key file found
    /// wider, say restored from a backup, narrowed to 0600 at start and after each new key: the
    /// directory already keeps others out, the file's own mode keeps it so when the directory is copied.
    /// </summary>
    private sealed class OwnerOnlyKeyRepository : IDeletableXmlRepository
    {
        private readonly FileSystemXmlRepository _inner;
        private readonly string _directory;

        public OwnerOnlyKeyRepository(FileSystemXmlRepository inner, string directory)
        {
            _inner = inner;
            _directory = directory;
            RestrictKeyFiles();
        }

        public IReadOnlyCollection<XElement> GetAllElements() => _inner.GetAllElements();

        public void StoreElement(XElement element, string friendlyName)
        {
            _inner.StoreElement(element, friendlyName);
            RestrictKeyFiles();
        }

        public bool DeleteElements(Action<IReadOnlyCollection<IDeletableElement>> chooseElements) => _inner.DeleteElements(chooseElements);

        private void RestrictKeyFiles()
        {
            if (OperatingSystem.IsWindows() || !Directory.Exists(_directory))
            {
                return;
            }

            foreach (string file in Directory.EnumerateFiles(_directory, "*.xml"))
            {
                SecretFiles.RestrictToOwner(file);
            }
        }
    }

    [LoggerMessage(EventId = 5520, Level = LogLevel.Information, Message = "Data protection key {KeyId} (sign-in cookies, antiforgery tokens) stored unencrypted in {Directory}: only the dashboard's user may open that directory (mode 0700)")]
    private static partial void LogKeyStored(ILogger logger, string keyId, string directory);

    /// <summary>The host's logger factory for the key manager; it is the host's to dispose, not ours.</summary>
    private sealed class KeyManagerLogging(ILoggerFactory inner, string directory) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            var logger = inner.CreateLogger(categoryName);
            return categoryName == typeof(XmlKeyManager).FullName ? new KeyManagerLogger(logger, inner.CreateLogger(typeof(DataProtectionKeys).FullName!), directory) : logger;
        }

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
        }
    }

    private sealed class KeyManagerLogger(ILogger inner, ILogger notice, string directory) : ILogger
    {
        // The framework's "No XML encryptor configured. Key {KeyId:B} may be persisted to storage in unencrypted form."
        private const int UnencryptedEventId = 35;
        private const string UnencryptedEventName = "NoXMLEncryptorConfiguredKeyMayBePersistedToStorageInUnencryptedForm";

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        // The key manager asks before it warns; our line is at Information and has its own filter.
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel) || (logLevel == LogLevel.Warning && notice.IsEnabled(LogLevel.Information));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == UnencryptedEventId && eventId.Name == UnencryptedEventName)
            {
                LogKeyStored(notice, KeyId(state), directory);
            }
            else if (inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }

        private static string KeyId<TState>(TState state) =>
            state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "KeyId").Value is Guid id ? id.ToString("D") : "(unknown)";
    }
}
