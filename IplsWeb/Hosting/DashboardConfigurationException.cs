namespace IplsWeb.Hosting;

/// <summary>The dashboard's own settings do not allow it to start; the message lists every problem.</summary>
public sealed class DashboardConfigurationException : Exception
{
    public DashboardConfigurationException()
    {
    }

    public DashboardConfigurationException(string message)
        : base(message)
    {
    }

    public DashboardConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
