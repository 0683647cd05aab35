// Benchmarks of Control. Run: dotnet run -c Release --project bench/Control.Bench -- --filter '*'
// Results are recorded in bench/RESULTS.md with date and machine.
using BenchmarkDotNet.Running;
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
