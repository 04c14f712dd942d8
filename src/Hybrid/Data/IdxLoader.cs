using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Data;

/// <summary>Reads IDX files (the MNIST format): a big-endian header, then unsigned bytes. docs/data.md.</summary>
internal static class IdxLoader
{
    internal const int ImagesMagic = 0x00000803;
    internal const int LabelsMagic = 0x00000801;

    internal static DataSet Load(string imagesPath, string labelsPath)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        LoaderFiles.CheckPath(imagesPath, nameof(imagesPath), "an IDX image file");
        LoaderFiles.CheckPath(labelsPath, nameof(labelsPath), "an IDX label file");
        using var images = File.OpenRead(imagesPath);
        using var labels = File.OpenRead(labelsPath);
        return Read(images, imagesPath, labels, labelsPath, Path.GetFileName(imagesPath));
    }

    internal static DataSet Read(Stream images, string imagesName, Stream labels, string labelsName, string name)
    {
        var img = ReadAll(images);
        var lab = ReadAll(labels);
        if (img.Length < 16) throw new InvalidDataException($"{imagesName} has {img.Length} bytes: too short for an IDX image header (16 bytes).");
        if (lab.Length < 8) throw new InvalidDataException($"{labelsName} has {lab.Length} bytes: too short for an IDX label header (8 bytes).");
        int Int(byte[] b, int at) => BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(at, 4));
        if (Int(img, 0) != ImagesMagic)
            throw new InvalidDataException($"{imagesName}: magic number 0x{Int(img, 0):X8}, but an IDX image file (unsigned bytes, 3 dimensions) starts with 0x{ImagesMagic:X8}.");
        if (Int(lab, 0) != LabelsMagic)
            throw new InvalidDataException($"{labelsName}: magic number 0x{Int(lab, 0):X8}, but an IDX label file (unsigned bytes, 1 dimension) starts with 0x{LabelsMagic:X8}.");
        int n = Int(img, 4), rows = Int(img, 8), cols = Int(img, 12), m = Int(lab, 4);
        if (n < 1 || rows < 1 || cols < 1)
            throw new InvalidDataException($"{imagesName}: the header gives {n} images of {rows}×{cols} pixels; each must be at least 1.");
        if (m != n) throw new InvalidDataException($"{imagesName} holds {n} images but {labelsName} holds {m} labels: they must match.");
        long pixels = (long)rows * cols;
        long expected = 16 + n * pixels;
        if (img.LongLength != expected)
            throw new InvalidDataException($"{imagesName} has {img.LongLength} bytes but its header ({n} images of {rows}×{cols}) needs 16 + {n}·{pixels} = {expected}.");
        if (lab.LongLength != 8 + (long)n)
            throw new InvalidDataException($"{labelsName} has {lab.LongLength} bytes but its header ({n} labels) needs 8 + {n} = {8 + (long)n}.");
        int d = checked((int)pixels);
        var x = Matrix<double>.Build.Dense(n, d, (i, j) => img[16 + (long)i * d + j] / 255.0);
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = lab[8 + i];
        int k = y.Max() + 1;
        var classNames = Enumerable.Range(0, k).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        var featureNames = Enumerable.Range(0, d).Select(j => $"pixel_{j / cols}_{j % cols}").ToArray();
        return DataSet.Labelled(name, x, y, classNames, featureNames);
    }

    /// <summary>All bytes of a stream, decompressed if it starts with the gzip magic 1F 8B.</summary>
    private static byte[] ReadAll(Stream stream)
    {
        using var raw = new MemoryStream();
        stream.CopyTo(raw);
        var bytes = raw.ToArray();
        if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
        {
            try
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                return plain.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException("The gzip stream is corrupt: " + e.Message, e);
            }
        }
        return bytes;
    }
}
