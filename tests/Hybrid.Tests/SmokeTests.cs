namespace Hybrid.Tests;

public class SmokeTests
{
    [Fact]
    public void NameIsHybrid() => Assert.Equal("Hybrid", HybridInfo.Name);
}
