using Lms.Bench;

// ./build.sh bench <name> [options]: each benchmark prints one JSON object per line on stdout.
var benchmarks = Benchmarks.All.ToDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);
if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine("Usage: ./build.sh bench <name> [options]");
    foreach (var b in Benchmarks.All) Console.Error.WriteLine($"  {b.Name,-12} {b.Description}");
    if (Benchmarks.All.Count == 0) Console.Error.WriteLine("  (no benchmarks are registered yet)");
    return args.Length == 0 ? 0 : 2;
}
return await benchmark.RunAsync(args[1..]);
