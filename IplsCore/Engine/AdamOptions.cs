namespace IplsCore.Engine;

/// <summary>Adam hyper-parameters; the defaults are the reference's (DL4J's) β1 0.9, β2 0.999, ε 1e-8.</summary>
public sealed record AdamOptions
{
    public float LearningRate { get; init; } = 0.001f;

    public float Beta1 { get; init; } = 0.9f;

    public float Beta2 { get; init; } = 0.999f;

    public float Epsilon { get; init; } = 1e-8f;

    public void Validate()
    {
        if (!(LearningRate >= 0f) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Learning rate must be a finite number ≥ 0.");
        }

        if (!(Beta1 >= 0f && Beta1 < 1f) || !(Beta2 >= 0f && Beta2 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta1), "β1 and β2 must lie in [0, 1).");
        }

        if (!(Epsilon > 0f) || !float.IsFinite(Epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "ε must be a finite number > 0.");
        }
    }
}
