using PatientExperience.ClientGenerator;

// Regenerates clients/dotnet/PatientExperience.Client/PlatformApiClient.g.cs from docs/openapi/platform.v1.json.
// Usage: dotnet run --project tools/ClientGenerator [-- <repository root>]
var root = args.Length > 0 ? args[0] : PlatformClientGenerator.FindRepositoryRoot(Directory.GetCurrentDirectory());
var output = Path.Combine(root, PlatformClientGenerator.OutputFile);
await File.WriteAllTextAsync(output, await PlatformClientGenerator.GenerateAsync(await File.ReadAllTextAsync(Path.Combine(root, PlatformClientGenerator.DocumentFile))));
Console.WriteLine($"wrote {PlatformClientGenerator.OutputFile}");
