package io.minirpc.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A name read again is the String read before; every name, kept or not, reads as {@link
 * Frames#readString} reads it, whatever shares its slot.
 */
class HeaderNamesTest {
  @Test
  void aNameReadAgainIsTheSameStringAndEveryNameReadsAsReadStringReadsIt() {
    List<byte[]> names = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      names.add(("io.example.Service" + i + ".method(long)").getBytes(StandardCharsets.UTF_8));
    }
    names.add(new byte[0]);
    names.add(new byte[] {'a'});
    names.add(new byte[] {(byte) 0xff, (byte) 0xfe, 'x', (byte) 0xc3}); // not UTF-8
    names.add("北京市 中关村".getBytes(StandardCharsets.UTF_8));
    names.add("x".repeat(1000).getBytes(StandardCharsets.UTF_8)); // longer than kept
    for (int round = 0; round < 2; round++) {
      for (byte[] name : names) {
        ByteBuf wire = Unpooled.directBuffer();
        try {
          wire.writeShort(name.length).writeBytes(name).writeByte(7);
          String expected = Frames.readString(wire.duplicate());
          String read = Frames.readName(wire);
          assertEquals(expected, read);
          assertEquals(7, wire.readByte(), "the reader index is past the name");
        } finally {
          wire.release();
        }
      }
    }
    byte[] method = "io.example.Calculator.add(int,int)".getBytes(StandardCharsets.UTF_8);
    assertSame(read(method), read(method));
  }

  private static String read(byte[] name) {
    ByteBuf wire = Unpooled.buffer().writeShort(name.length).writeBytes(name);
    return Frames.readName(wire);
  }
}
