using Hybrid.Cli.Commands;

namespace Hybrid.Cli.Tests;

/// <summary>The summary's timing line separates the first epoch (which includes compiling the code) from the later ones.</summary>
public class TimingNoteTests
{
    [Fact]
    public void The_first_epoch_is_reported_apart_from_the_median_of_the_later_ones()
    {
        // Cumulative elapsed times 2.0, 2.5, 3.0 s; rates 100, 400, 500 rows/s: the later epochs' median is (400 + 500) / 2.
        EpochReport[] history =
        [
            new(1, 0.01, 1.0, 0.5, elapsed: TimeSpan.FromSeconds(2.0), samplesPerSecond: 100),
            new(2, 0.01, 0.8, 0.6, elapsed: TimeSpan.FromSeconds(2.5), samplesPerSecond: 400),
            new(3, 0.01, 0.7, 0.7, elapsed: TimeSpan.FromSeconds(3.0), samplesPerSecond: 500),
        ];
        Assert.Equal("first epoch 2.00 s at 100 samples/s (it includes compiling the code), later epochs 450 samples/s (median)", TrainingTiming.Note(history));
        Assert.Null(TrainingTiming.Note(history[..1]));
    }
}
