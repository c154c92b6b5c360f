using System.Text;
using Burnish.Imaging;

namespace Burnish.Core.Tests.Imaging;

public class XmpTests
{
    private const string WithGps = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" exif:GPSAltitude="35/1">
        <exif:GPSLatitude>48,51.0N</exif:GPSLatitude><dc:creator>someone</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>
        """;

    [Fact]
    public void Gps_is_removed_and_everything_else_kept()
    {
        var text = Encoding.UTF8.GetString(Xmp.Compose(Encoding.UTF8.GetBytes(WithGps), [], stripGps: true)!);
        Assert.DoesNotContain("GPS", text);
        Assert.Contains("someone", text);
    }

    [Fact]
    public void Burnish_properties_are_added_and_read_back()
    {
        var packet = Xmp.Compose(Encoding.UTF8.GetBytes(WithGps), [new("lineage", "{\"a\":1}"), new("parameters", "a cat <3")], stripGps: false)!;
        var text = Encoding.UTF8.GetString(packet);
        Assert.Contains("GPSLatitude", text);
        var props = Xmp.BurnishProperties(packet);
        Assert.Equal("{\"a\":1}", props["lineage"]);
        Assert.Equal("a cat <3", props["parameters"]);
    }

    [Fact]
    public void A_fresh_packet_uses_the_standard_prefixes()
    {
        var text = Encoding.UTF8.GetString(Xmp.Compose(null, [new("lineage", "x")], stripGps: true)!);
        Assert.StartsWith("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF", text);
        Assert.Null(Xmp.Compose(null, [], stripGps: true));
    }
}
