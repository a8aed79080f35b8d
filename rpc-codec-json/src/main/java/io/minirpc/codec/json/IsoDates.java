package io.minirpc.codec.json;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.LocalDateDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.LocalDateTimeDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.LocalDateSerializer;
import com.fasterxml.jackson.datatype.jsr310.ser.LocalDateTimeSerializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * {@code LocalDate} and {@code LocalDateTime} in their ISO form, written and read without a
 * {@code DateTimeFormatter}: the formatter's parse allocates about a kilobyte a value and was most
 * of the time a JSON codec spent on a record with dates. The text is exactly what Jackson's
 * JavaTimeModule writes ({@code ISO_LOCAL_DATE}, {@code ISO_LOCAL_DATE_TIME}); what does not have
 * the plain shape (years outside 0-9999, text with a zone, whitespace or a lower-case {@code t},
 * a date that does not exist) and every property with a {@code @JsonFormat} go to JavaTimeModule's
 * own serializers and deserializers, so what is accepted, refused and written is unchanged.
 */
final class IsoDates {
  private static final int[] SCALE = {
    100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };
  /**
   * Each thread's room for a value's text, which the generator copies at once: a page of 15
   * records wrote 45 of these arrays, 3 KB a call, before.
   */
  private static final ThreadLocal<char[]> TEXT = ThreadLocal.withInitial(() -> new char[29]);

  private IsoDates() {}

  /** The module; register it after JavaTimeModule, so that its (de)serializers come first. */
  static SimpleModule module() {
    SimpleModule m = new SimpleModule("minirpc-iso-dates");
    m.addSerializer(LocalDateTime.class, new DateTimeWriter());
    m.addDeserializer(LocalDateTime.class, new DateTimeReader());
    m.addSerializer(LocalDate.class, new DateWriter());
    m.addDeserializer(LocalDate.class, new DateReader());
    return m;
  }

  /** Whether {@code f} asks for nothing beyond the defaults: no pattern, shape, zone or locale. */
  private static boolean plain(JsonFormat.Value f) {
    return f == null || (!f.hasPattern() && f.getShape() == JsonFormat.Shape.ANY
        && !f.hasLocale() && !f.hasTimeZone() && !f.hasLenient()
        && f.getFeature(JsonFormat.Feature.WRITE_DATES_WITH_ZONE_ID) == null);
  }

  /**
   * Writes the plain shape itself, and leaves the rest to JavaTimeModule's serializer: a value it
   * does not write, timestamps, and any property with a format of its own.
   */
  private abstract static class Writer<T> extends StdSerializer<T>
      implements ContextualSerializer {
    private final StdSerializer<T> standard;

    Writer(Class<T> type, StdSerializer<T> standard) {
      super(type);
      this.standard = standard;
    }

    /** Writes {@code v}, or returns false to leave it to JavaTimeModule. */
    abstract boolean write(T v, JsonGenerator g) throws IOException;

    @Override
    public void serialize(T v, JsonGenerator g, SerializerProvider p) throws IOException {
      if (p.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS) || !write(v, g)) {
        standard.serialize(v, g, p);
      }
    }

    @Override
    public void serializeWithType(T v, JsonGenerator g, SerializerProvider p, TypeSerializer t)
        throws IOException {
      standard.serializeWithType(v, g, p, t);
    }

    @Override
    public JsonSerializer<?> createContextual(SerializerProvider p, BeanProperty property)
        throws JsonMappingException {
      return plain(findFormatOverrides(p, property, handledType())) ? this
          : ((ContextualSerializer) standard).createContextual(p, property);
    }
  }

  /** Reads the plain shape itself, and leaves the rest to JavaTimeModule's deserializer. */
  private abstract static class Reader<T> extends StdDeserializer<T>
      implements ContextualDeserializer {
    private final StdDeserializer<T> standard;

    Reader(Class<T> type, StdDeserializer<T> standard) {
      super(type);
      this.standard = standard;
    }

    /** The value of the string token's characters; null to leave it to JavaTimeModule. */
    abstract T read(char[] c, int at, int length);

    @Override
    public T deserialize(JsonParser p, DeserializationContext c) throws IOException {
      if (p.hasToken(JsonToken.VALUE_STRING)) {
        T v = read(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        if (v != null) {
          return v;
        }
      }
      return standard.deserialize(p, c);
    }

    @Override
    public Object deserializeWithType(JsonParser p, DeserializationContext c, TypeDeserializer t)
        throws IOException {
      return standard.deserializeWithType(p, c, t);
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext c, BeanProperty property)
        throws JsonMappingException {
      return plain(findFormatOverrides(c, property, handledType())) ? this
          : ((ContextualDeserializer) standard).createContextual(c, property);
    }
  }

  private static final class DateTimeWriter extends Writer<LocalDateTime> {
    DateTimeWriter() {
      super(LocalDateTime.class, LocalDateTimeSerializer.INSTANCE);
    }

    @Override
    boolean write(LocalDateTime v, JsonGenerator g) throws IOException {
      if (v.getYear() < 0 || v.getYear() > 9999) {
        return false;
      }
      char[] c = TEXT.get();
      int n = date(c, v.getYear(), v.getMonthValue(), v.getDayOfMonth());
      c[n++] = 'T';
      n = two(c, n, v.getHour());
      c[n++] = ':';
      n = two(c, n, v.getMinute());
      c[n++] = ':';
      n = two(c, n, v.getSecond());
      int nano = v.getNano();
      if (nano > 0) { // as many digits as it takes, as ISO_LOCAL_TIME writes them
        c[n++] = '.';
        int digits = 9;
        while (nano % 10 == 0) {
          nano /= 10;
          digits--;
        }
        for (int i = digits - 1; i >= 0; i--) {
          c[n + i] = (char) ('0' + nano % 10);
          nano /= 10;
        }
        n += digits;
      }
      g.writeString(c, 0, n);
      return true;
    }
  }

  private static final class DateWriter extends Writer<LocalDate> {
    DateWriter() {
      super(LocalDate.class, LocalDateSerializer.INSTANCE);
    }

    @Override
    boolean write(LocalDate v, JsonGenerator g) throws IOException {
      if (v.getYear() < 0 || v.getYear() > 9999) {
        return false;
      }
      char[] c = TEXT.get();
      g.writeString(c, 0, date(c, v.getYear(), v.getMonthValue(), v.getDayOfMonth()));
      return true;
    }
  }

  private static final class DateTimeReader extends Reader<LocalDateTime> {
    DateTimeReader() {
      super(LocalDateTime.class, LocalDateTimeDeserializer.INSTANCE);
    }

    @Override
    LocalDateTime read(char[] c, int at, int length) {
      return dateTime(c, at, length);
    }
  }

  private static final class DateReader extends Reader<LocalDate> {
    DateReader() {
      super(LocalDate.class, LocalDateDeserializer.INSTANCE);
    }

    @Override
    LocalDate read(char[] c, int at, int length) {
      return length == 10 ? date(c, at) : null;
    }
  }

  /** Writes {@code yyyy-MM-dd} at the start of {@code c}; returns its length. */
  private static int date(char[] c, int year, int month, int day) {
    c[0] = (char) ('0' + year / 1000);
    c[1] = (char) ('0' + year / 100 % 10);
    c[2] = (char) ('0' + year / 10 % 10);
    c[3] = (char) ('0' + year % 10);
    c[4] = '-';
    two(c, 5, month);
    c[7] = '-';
    two(c, 8, day);
    return 10;
  }

  private static int two(char[] c, int at, int value) {
    c[at] = (char) ('0' + value / 10);
    c[at + 1] = (char) ('0' + value % 10);
    return at + 2;
  }

  /** {@code yyyy-MM-dd} at {@code at}; null if it is not a date of that shape. */
  static LocalDate date(char[] c, int at) {
    int year = digits(c, at, 4);
    int month = digits(c, at + 5, 2);
    int day = digits(c, at + 8, 2);
    if (year < 0 || month < 0 || day < 0 || c[at + 4] != '-' || c[at + 7] != '-') {
      return null;
    }
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null; // no such day: JavaTimeModule says so, in its words
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm}, then optionally {@code :ss} and {@code .} and one to nine digits,
   * the {@code length} characters at {@code at}; null if it is anything else.
   */
  static LocalDateTime dateTime(char[] c, int at, int length) {
    if (length < 16 || length > 29 || c[at + 10] != 'T' || c[at + 13] != ':') {
      return null;
    }
    LocalDate date = date(c, at);
    int hour = digits(c, at + 11, 2);
    int minute = digits(c, at + 14, 2);
    if (date == null || hour < 0 || minute < 0) {
      return null;
    }
    int second = 0;
    int nano = 0;
    int end = at + length;
    int i = at + 16;
    if (i < end) {
      if (end - i < 3 || c[i] != ':' || (second = digits(c, i + 1, 2)) < 0) {
        return null;
      }
      i += 3;
      if (i < end) {
        int n = end - i - 1;
        if (c[i] != '.' || n < 1 || n > 9 || (nano = digits(c, i + 1, n)) < 0) {
          return null;
        }
        nano *= SCALE[n - 1];
      }
    }
    try {
      return LocalDateTime.of(date.getYear(), date.getMonthValue(), date.getDayOfMonth(), hour,
          minute, second, nano);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The {@code n} decimal digits at {@code at} as a number; -1 if one is not a digit. */
  private static int digits(char[] c, int at, int n) {
    int v = 0;
    for (int i = at; i < at + n; i++) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }
}
