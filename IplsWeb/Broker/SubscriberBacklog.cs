namespace IplsWeb.Broker;

/// <summary>One connected client as flow control sees it: messages waiting for it and messages sent to it so far.</summary>
public readonly record struct SubscriberBacklog(string ClientId, long Pending, long Sent);
