using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Burnish.Imaging;

/// <summary>Edits XMP packets (Adobe XMP spec part 1): adds Burnish properties, removes GPS.</summary>
public static class Xmp
{
    public const string BurnishNamespace = "https://burnish.dev/ns/1.0/";
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Exif = "http://ns.adobe.com/exif/1.0/";
    private static readonly XNamespace B = BurnishNamespace;

    /// <summary>
    /// Returns a packet holding <paramref name="source"/>'s properties (minus GPS when asked) plus
    /// <paramref name="properties"/> in the Burnish namespace. An unparsable source packet is replaced, not patched.
    /// </summary>
    public static byte[]? Compose(byte[]? source, IReadOnlyList<KeyValuePair<string, string>> properties, bool stripGps)
    {
        XDocument? doc = null;
        if (source is { Length: > 0 })
        {
            try { doc = XDocument.Parse(Encoding.UTF8.GetString(source).TrimEnd('\0', ' ', '\n', '\r', '\t')); }
            catch (XmlException) { doc = null; }
        }
        if (doc is null && properties.Count == 0) return null;
        doc ??= new XDocument(new XElement((XNamespace)"adobe:ns:meta/" + "xmpmeta",
            new XAttribute(XNamespace.Xmlns + "x", "adobe:ns:meta/"),
            new XElement(Rdf + "RDF", new XAttribute(XNamespace.Xmlns + "rdf", Rdf.NamespaceName))));
        var rdf = doc.Descendants(Rdf + "RDF").FirstOrDefault();
        if (rdf is null)
        {
            rdf = new XElement(Rdf + "RDF", new XAttribute(XNamespace.Xmlns + "rdf", Rdf.NamespaceName));
            doc.Root!.Add(rdf);
        }
        if (stripGps)
        {
            foreach (var e in doc.Descendants().Where(e => e.Name.Namespace == Exif && e.Name.LocalName.StartsWith("GPS", StringComparison.Ordinal)).ToList()) e.Remove();
            foreach (var a in doc.Descendants().Attributes().Where(a => a.Name.Namespace == Exif && a.Name.LocalName.StartsWith("GPS", StringComparison.Ordinal)).ToList()) a.Remove();
        }
        if (properties.Count > 0)
        {
            var description = new XElement(Rdf + "Description", new XAttribute(Rdf + "about", ""), new XAttribute(XNamespace.Xmlns + "burnish", BurnishNamespace));
            foreach (var (key, value) in properties)
                description.Add(new XElement(B + XmlConvert.EncodeLocalName(key), value));
            rdf.Add(description);
        }
        return Encoding.UTF8.GetBytes(doc.Root!.ToString(SaveOptions.DisableFormatting));
    }

    /// <summary>The Burnish-namespace properties of a packet (for reading lineage back).</summary>
    public static IReadOnlyDictionary<string, string> BurnishProperties(byte[] packet)
    {
        var doc = XDocument.Parse(Encoding.UTF8.GetString(packet).TrimEnd('\0'));
        return doc.Descendants().Where(e => e.Name.Namespace == B)
            .GroupBy(e => XmlConvert.DecodeName(e.Name.LocalName)).ToDictionary(g => g.Key, g => g.First().Value);
    }
}
