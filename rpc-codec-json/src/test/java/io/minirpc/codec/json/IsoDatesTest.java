package io.minirpc.codec.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The codec writes and reads dates as JavaTimeModule does, byte for byte, though without its
 * formatter: the same text for every value, the same value for every text, the same refusals.
 */
class IsoDatesTest {
  /** What JavaTimeModule alone writes and reads. */
  private static final JsonMapper PLAIN = JsonMapper.builder().addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  record Stamp(LocalDateTime at, LocalDate on) {}

  record Formatted(@JsonFormat(pattern = "dd.MM.yyyy HH:mm") LocalDateTime at) {}

  @Test
  void everyValueIsWrittenAsJavaTimeModuleWritesItAndReadsBack() throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      LocalDateTime at = LocalDateTime.of(random.nextInt(10_000), 1 + random.nextInt(12),
          1 + random.nextInt(28), random.nextInt(24), random.nextInt(60),
          i % 3 == 0 ? 0 : random.nextInt(60), nano(random, i));
      Stamp s = new Stamp(at, at.toLocalDate());
      String ours = new String(JsonCodecTest.write(Stamp.class, s), StandardCharsets.UTF_8);
      assertEquals(PLAIN.writeValueAsString(s), ours);
      assertEquals(s, JsonCodecTest.read(Stamp.class, ours));
    }
  }

  @Test
  void yearsBeyondFourDigitsAndEveryOtherShapeGoToJavaTimeModule() throws IOException {
    for (LocalDateTime at : List.of(LocalDateTime.of(10_000, 1, 1, 0, 0),
        LocalDateTime.of(-1, 12, 31, 23, 59, 59, 1), LocalDateTime.MAX, LocalDateTime.MIN)) {
      Stamp s = new Stamp(at, at.toLocalDate());
      String ours = new String(JsonCodecTest.write(Stamp.class, s), StandardCharsets.UTF_8);
      assertEquals(PLAIN.writeValueAsString(s), ours);
      assertEquals(s, JsonCodecTest.read(Stamp.class, ours));
    }
    for (String text : List.of("2024-01-15T10:30", "2024-01-15T10:30:05", "2024-01-15T10:30:05.5",
        "2024-01-15T10:30:05.123456789", "2024-01-15t10:30:05", "2024-01-15T10:30:05Z",
        "0000-01-01T00:00", "9999-12-31T23:59:59.999999999", "2024-01-15T10:30:05.")) {
      String json = "{\"at\":\"" + text + "\",\"on\":\"2024-02-29\"}";
      assertEquals(PLAIN.readValue(json, Stamp.class), JsonCodecTest.read(Stamp.class, json),
          text);
    }
  }

  @Test
  void whatJavaTimeModuleRefusesIsRefused() {
    for (String text : List.of("2023-02-29T10:30", "2024-13-01T10:30", "2024-01-15T24:00",
        "2024-01-15T10:60", "2024-01-15T10:30:05.1234567890",
        "2024-01-15 10:30", "2024-1-15T10:30", "2024-01-15T10:30:5", "not a date")) {
      String json = "{\"at\":\"" + text + "\",\"on\":\"2024-01-15\"}";
      assertThrows(IOException.class, () -> PLAIN.readValue(json, Stamp.class), text);
      assertThrows(IOException.class, () -> JsonCodecTest.read(Stamp.class, json), text);
    }
    for (String day : List.of("2023-02-29", "2024-00-10", "2024-01-1x", "20240115")) {
      String json = "{\"at\":\"2024-01-15T10:30\",\"on\":\"" + day + "\"}";
      assertThrows(IOException.class, () -> JsonCodecTest.read(Stamp.class, json), day);
    }
  }

  @Test
  void aPropertysJsonFormatIsHonoured() throws IOException {
    Formatted f = new Formatted(LocalDateTime.of(2024, 1, 15, 10, 30));
    String ours = new String(JsonCodecTest.write(Formatted.class, f), StandardCharsets.UTF_8);
    assertEquals("{\"at\":\"15.01.2024 10:30\"}", ours);
    assertEquals(f, JsonCodecTest.read(Formatted.class, ours));
  }

  /** Nanoseconds of every shape: none, millis, micros, and any digits at all. */
  private static int nano(Random random, int i) {
    switch (i % 5) {
      case 0:
        return 0;
      case 1:
        return random.nextInt(1000) * 1_000_000;
      case 2:
        return random.nextInt(1_000_000) * 1000;
      case 3:
        return (1 + random.nextInt(9)) * 100_000_000;
      default:
        return random.nextInt(1_000_000_000);
    }
  }
}
