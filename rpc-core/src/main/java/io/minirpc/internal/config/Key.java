package io.minirpc.internal.config;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One setting, declared once: its Properties name, the side that reads it, its type, its default,
 * the builder method that sets it and what it means. Like Netty's {@code ChannelOption}, the key
 * object is also the typed handle: builders call {@code settings.set(Keys.TIMEOUT, timeout)} and
 * {@link Settings#get} returns a {@code Duration}. The configuration table of docs/configuration.md
 * is rendered from these declarations ({@link ConfigTable}).
 *
 * @param <T> the type of the value
 */
public final class Key<T> {
  private final String name;
  private final Side side;
  private final ValueType<T> type;
  private final T defaultValue;
  private final String defaultText;
  private final String builder;
  private final String meaning;
  private final UnaryOperator<T> check;

  private Key(Def<T> d) {
    this.name = d.name;
    this.side = d.side;
    this.type = d.type;
    this.defaultValue = d.defaultValue;
    this.defaultText = d.defaultText != null ? d.defaultText : "`" + d.type.format(d.defaultValue) + "`";
    this.builder = Objects.requireNonNull(d.builder, "builder of " + d.name);
    this.meaning = Objects.requireNonNull(d.meaning, "meaning of " + d.name);
    this.check = d.check;
  }

  /** Starts the declaration of a key; {@link Keys} finishes it with {@link Def#register}. */
  static <T> Def<T> define(String name, Side side, ValueType<T> type, T defaultValue) {
    return new Def<>(name, side, type, defaultValue);
  }

  /** The Properties key, such as {@code minirpc.timeout}. */
  public String name() {
    return name;
  }

  Side side() {
    return side;
  }

  ValueType<T> type() {
    return type;
  }

  /** The value when neither Properties nor a builder call set one; may be null ("not set"). */
  public T defaultValue() {
    return defaultValue;
  }

  String defaultText() {
    return defaultText;
  }

  String builder() {
    return builder;
  }

  String meaning() {
    return meaning;
  }

  /** Parses a Properties value, then checks it as a builder argument is checked. */
  public T parse(String text) {
    return check(type.parse(name, text));
  }

  /**
   * Checks a value where it enters, naming the argument and echoing it, and returns it
   * normalized (codec names in lower case, lists unmodifiable).
   *
   * @throws IllegalArgumentException or {@link NullPointerException} for a value the key refuses
   */
  public T check(T value) {
    return check.apply(value);
  }

  @Override
  public String toString() {
    return name + " (" + side.label() + ")";
  }

  /** A key being declared. */
  static final class Def<T> {
    private final String name;
    private final Side side;
    private final ValueType<T> type;
    private final T defaultValue;
    private String defaultText;
    private String builder;
    private String meaning;
    private UnaryOperator<T> check;

    private Def(String name, Side side, ValueType<T> type, T defaultValue) {
      this.name = name;
      this.side = side;
      this.type = type;
      this.defaultValue = defaultValue;
      this.check = v -> Objects.requireNonNull(v, name + " == null");
    }

    /** How the table states the default, when the value alone does not say it (Markdown). */
    Def<T> defaultText(String markdown) {
      this.defaultText = markdown;
      return this;
    }

    /** The builder method, as the table shows it: {@code timeout(Duration)}. */
    Def<T> builder(String method) {
      this.builder = method;
      return this;
    }

    /** One line for the table (Markdown). */
    Def<T> meaning(String markdown) {
      this.meaning = markdown;
      return this;
    }

    /** Checks (and may normalize) a value from Properties or from a builder call. */
    Def<T> check(UnaryOperator<T> check) {
      this.check = check;
      return this;
    }

    Key<T> register(java.util.List<Object> table) {
      Key<T> key = new Key<>(this);
      table.add(key);
      return key;
    }
  }
}
