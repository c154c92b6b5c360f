#!/usr/bin/env -S dotnet run
#:project ../src/Burnish.Core/Burnish.Core.csproj
// Centre crops of images for the batch benchmark (bench/batch-memory.sh): SIZE×SIZE from the middle of each input,
// written as PNG beside OUT-DIR/NAME.png, by libvips (no ImageMagick needed).
//   dotnet run bench/centre-crop.cs -- SIZE OUT-DIR INPUT...
using NetVips;

var size = int.Parse(args[0]);
Directory.CreateDirectory(args[1]);
foreach (var input in args.Skip(2))
{
    using var image = Image.NewFromFile(input);
    int w = Math.Min(size, image.Width), h = Math.Min(size, image.Height);
    image.Crop((image.Width - w) / 2, (image.Height - h) / 2, w, h).WriteToFile(Path.Combine(args[1], Path.GetFileName(input)));
}
