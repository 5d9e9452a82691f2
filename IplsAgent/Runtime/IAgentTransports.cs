using IplsCore.Configuration;
using IplsCore.Transport;
using Microsoft.Extensions.Logging;

namespace IplsAgent.Runtime;

/// <summary>Makes an agent's two connections: the IPLS transport and the sensor/score data link.</summary>
public interface IAgentTransports
{
    IIplsTransport CreateIpls(AgentSettings settings, string agentId, ILoggerFactory loggers);

    IMessageLink CreateData(AgentSettings settings, string agentId, ILoggerFactory loggers);
}
