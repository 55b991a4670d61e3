using System.Text;
using Telemetry.Collector.Enrichment;
using Telemetry.Collector.Writing;

namespace Telemetry.Collector.Tests.Enrichment;

public sealed class RouteTemplaterTests
{
    private static string Route(RouteTemplater templater, string path)
    {
        using var scratch = new LineBuffer(64);
        return Encoding.UTF8.GetString(templater.Template(Encoding.UTF8.GetBytes(path), scratch));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/users/123", "/users/{id}")]
    [InlineData("/users/123/orders/9", "/users/{id}/orders/{id}")]
    [InlineData("/api/v2/items", "/api/v2/items")]
    [InlineData("/o/3f2504e0-4f89-11d3-9a0c-0305e82c3301/x", "/o/{uuid}/x")]
    [InlineData("/blob/d41d8cd98f00b204e9800998ecf8427e", "/blob/{hash}")]
    [InlineData("/s/AbCdEfGhIjKlMnOpQrSt1234", "/s/{id}")]
    [InlineData("/static/app.css", "/static/app.css")]
    [InlineData("/deadbeef", "/deadbeef")]
    [InlineData("/users/123?tab=2#top", "/users/{id}")]
    [InlineData("/a//b/", "/a//b/")]
    [InlineData("http://example.com/users/7", "/users/{id}")]
    [InlineData("http://example.com", "/")]
    [InlineData("*", "{other}")]
    [InlineData("", "{other}")]
    public void Identifiers_in_paths_become_placeholders(string path, string expected)
    {
        Assert.Equal(expected, Route(new RouteTemplater(100, []), path));
    }

    [Theory]
    [InlineData("/static/css/app.css", "/static/**")]
    [InlineData("/static", "/static/**")]
    [InlineData("/api/shop-7/items", "/api/*/items")]
    [InlineData("/api/shop-7/items/3", "/api/shop-7/items/{id}")]
    [InlineData("/other/5", "/other/{id}")]
    public void First_matching_rule_is_the_route(string path, string expected)
    {
        var templater = new RouteTemplater(100, ["/static/**", "/api/*/items"]);
        Assert.Equal(expected, Route(templater, path));
    }

    [Fact]
    public void Distinct_routes_are_bounded_and_overflow_to_other()
    {
        var templater = new RouteTemplater(3, []);
        Assert.Equal("/a", Route(templater, "/a"));
        Assert.Equal("/b/{id}", Route(templater, "/b/1"));
        Assert.Equal("/c", Route(templater, "/c"));
        Assert.Equal("{other}", Route(templater, "/d"));
        Assert.Equal("{other}", Route(templater, "/e"));
        // known routes keep working after the bound is reached
        Assert.Equal("/b/{id}", Route(templater, "/b/99"));
        Assert.Equal(3, templater.KnownRoutes);
    }

    [Fact]
    public void Route_set_stays_bounded_under_concurrent_scans()
    {
        var templater = new RouteTemplater(50, []);
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 2000; i++)
            {
                Route(templater, $"/scan{worker}-{i}");
                Assert.Equal("/users/{id}", Route(templater, "/users/" + i));
            }
        });

        Assert.Equal(50, templater.KnownRoutes);
    }
}
