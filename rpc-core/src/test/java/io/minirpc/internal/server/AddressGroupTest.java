package io.minirpc.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.local.LocalAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** One client host, as the per-address connection limit counts it. */
class AddressGroupTest {
  private static InetAddress group(String address) throws Exception {
    return AddressGroup.of(new InetSocketAddress(InetAddress.getByName(address), 4242));
  }

  @Test
  void everyIpv6AddressOfOneSlash64IsOneHost() throws Exception {
    InetAddress a = group("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
    assertEquals(a, group("2001:db8:1:2::1"));
    assertEquals("2001:db8:1:2:0:0:0:0/64", AddressGroup.describe(a));
    assertNotEquals(a, group("2001:db8:1:3::1"), "the next /64 is another host");
  }

  @Test
  void anIpv4MappedAddressIsItsIpv4Address() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
    InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
    assertEquals(group("192.0.2.1"), AddressGroup.of(new InetSocketAddress(v6, 4242)));
    assertEquals("192.0.2.1", AddressGroup.describe(group("192.0.2.1")));
  }

  @Test
  void ipv4AddressesAreCountedExactly() throws Exception {
    assertNotEquals(group("192.0.2.1"), group("192.0.2.2"));
  }

  @Test
  void theLocalTransportHasNoHost() {
    assertNull(AddressGroup.of(new LocalAddress("orders")));
  }
}
