// A child process for the tests and measurements that need one (docs/model-format.md):
//   save-pause <path> <point>   saves the first known network over <path>, then starts saving the
//                               second and stops at <point> (before-flush: its temp open, written,
//                               not flushed; before-replace: its temp closed, not yet renamed),
//                               prints "paused <temp>" and waits to be killed;
//   checkpoint-pause <path> <point>
//                               the same with checkpoints: saves the known state after one epoch
//                               over <path>, then pauses saving the one after two epochs;
//   save-n <path> <n>           saves the two known networks over <path> in turn, n times in all
//                               (HostileSaveTests runs three at once on one path);
//   load <path>                 loads a model and prints the peak memory of the load;
//   write-large <path> <MB>     writes a valid model of about that many megabytes.
using System.Diagnostics;
using Hybrid;

static Network Known(int seed) => Network.Create(100).Dense(300, Activation.Tanh).Dense(10, Activation.Softmax).Build(Initializer.Default(seed));

// The known training states (HostileSaveTests.KnownState trains the same).
static TrainingState KnownState(int epochs)
{
    var x = Enumerable.Range(0, 20).Select(i => Enumerable.Range(0, 100).Select(j => Math.Sin(i * 0.7 + j)).ToArray()).ToArray();
    var y = Enumerable.Range(0, 20).Select(i => i % 10).ToArray();
    return new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = epochs, Seed = 5 }.Fit(Known(1), x, y).State;
}

static void PauseAt(string point, Action<string> pause)
{
    switch (point)
    {
        case "before-flush": AtomicFile.BeforeFlush = pause; break;
        case "before-replace": AtomicFile.BeforeReplace = pause; break;
        default: throw new ArgumentException($"unknown point '{point}'");
    }
}

switch (args.Length > 0 ? args[0] : "")
{
    case "save-pause":
    {
        Known(1).Save(args[1]);
        Action<string> pause = temp =>
        {
            Console.WriteLine("paused " + temp);
            Console.Out.Flush();
            new ManualResetEventSlim(false).Wait(); // never set: paused until the test kills this process
        };
        switch (args[2])
        {
            case "before-flush": AtomicFile.BeforeFlush = pause; break;
            case "before-replace": AtomicFile.BeforeReplace = pause; break;
            default: Console.Error.WriteLine($"unknown point '{args[2]}'"); return 2;
        }
        Known(2).Save(args[1]);
        Console.Error.WriteLine("the save did not pause");
        return 1;
    }
    case "checkpoint-pause":
    {
        KnownState(1).Save(args[1]);
        var second = KnownState(2);
        PauseAt(args[2], temp =>
        {
            Console.WriteLine("paused " + temp);
            Console.Out.Flush();
            new ManualResetEventSlim(false).Wait(); // never set: paused until the test kills this process
        });
        second.Save(args[1]);
        Console.Error.WriteLine("the save did not pause");
        return 1;
    }
    case "save-n":
    {
        Network a = Known(1), b = Known(2);
        int n = int.Parse(args[2]);
        for (int i = 0; i < n; i++) (i % 2 == 0 ? a : b).Save(args[1]);
        break;
    }
    case "load":
    {
        var self = Process.GetCurrentProcess();
        GC.Collect();
        self.Refresh();
        long before = self.WorkingSet64;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var net = Network.Load(args[1]);
        self.Refresh();
        long peak = self.PeakWorkingSet64;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long parameterBytes = 8L * net.ParameterCount;
        Console.WriteLine($"file {new FileInfo(args[1]).Length} bytes; parameters {net.ParameterCount} ({parameterBytes} bytes); "
            + $"working set before load {before}; peak working set {peak}; peak - before {peak - before} "
            + $"({(double)(peak - before) / parameterBytes:F2}x parameter bytes); allocated during load {allocated} ({(double)allocated / parameterBytes:F2}x)");
        GC.KeepAlive(net);
        break;
    }
    case "write-large":
    {
        // d_in×units dense layers of 17-19 character numbers: about 20 bytes per parameter.
        long target = long.Parse(args[2]) << 20;
        int units = 1000, inputs = 1000;
        int layers = (int)Math.Max(1, target / (20L * inputs * units));
        var builder = Network.Create(inputs);
        for (int l = 0; l < layers; l++) builder = builder.Dense(units, Activation.Tanh);
        builder.Build(Initializer.Default(7)).Save(args[1]);
        Console.WriteLine($"wrote {new FileInfo(args[1]).Length} bytes");
        break;
    }
    default:
        Console.Error.WriteLine("usage: save-pause|checkpoint-pause <path> before-flush|before-replace | save-n <path> <n> | load <path> | write-large <path> <MB>");
        return 2;
}
return 0;
