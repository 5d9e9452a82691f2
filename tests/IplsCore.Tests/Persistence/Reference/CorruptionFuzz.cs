using IplsCore.Persistence;

namespace IplsCore.Tests.Persistence.Reference;

/// <summary>Overwrites a few random bytes many times and checks that a reader fails only with <see cref="ModelFormatException"/>.</summary>
internal static class CorruptionFuzz
{
    public static void AssertOnlyModelFormatException(byte[] original, int seed, Action<byte[]> read)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = random.Next(1, 4);
            for (int i = 0; i < flips; i++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            Exception? error = Record.Exception(() => read(bytes));

            Assert.True(error is null or ModelFormatException, $"trial {trial}: {error}");
        }
    }
}
