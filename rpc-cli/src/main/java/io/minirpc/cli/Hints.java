package io.minirpc.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * minirpc's messages in the command line's words: a hint that names a client setting ({@code
 * minirpc.timeout}, {@code minirpc.tls=true}) names the flag that sets it here ({@code
 * --timeout}, {@code --tls}). Settings the command line has no flag for, and the server's
 * ({@code minirpc.server.*}), are left as they are: they are what to change elsewhere.
 */
final class Hints {
  /** Most specific first: a phrase, then the key with a value, then the key alone. */
  private static final List<String[]> FLAGS = List.of(
      new String[] {"set minirpc.allowInsecureCredentials=true",
          "pass --allow-insecure-credentials"},
      new String[] {"minirpc.allowInsecureCredentials=true", "--allow-insecure-credentials"},
      new String[] {"minirpc.allowInsecureCredentials", "--allow-insecure-credentials"},
      new String[] {"minirpc.tls is off", "TLS is off (no --tls)"},
      new String[] {"minirpc.tls=true", "--tls"},
      new String[] {"minirpc.tls.trustedCerts", "--cacert"},
      new String[] {"minirpc.tls.certChain", "--cert"},
      new String[] {"minirpc.tls.privateKey", "--key"},
      new String[] {"minirpc.timeout", "--timeout"},
      new String[] {"minirpc.metadata.", "-H "});
  /**
   * The keys, each ending where a character that cannot be in a key follows; a prefix ({@code
   * minirpc.metadata.}) is followed by the rest of its key.
   */
  private static final Pattern KEYS;

  static {
    StringBuilder alternatives = new StringBuilder();
    for (String[] f : FLAGS) {
      alternatives.append(alternatives.length() == 0 ? "" : "|").append(Pattern.quote(f[0]))
          .append(f[0].endsWith(".") ? "" : "(?![A-Za-z])");
    }
    KEYS = Pattern.compile(alternatives.toString());
  }

  private Hints() {}

  /** {@code message} with the client settings it names replaced by this tool's flags. */
  static String inFlags(String message) {
    if (message == null || message.indexOf("minirpc.") < 0) {
      return message;
    }
    Matcher m = KEYS.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(flag(m.group())));
    }
    return m.appendTail(out).toString();
  }

  private static String flag(String key) {
    for (String[] f : FLAGS) {
      if (f[0].equals(key)) {
        return f[1];
      }
    }
    return key;
  }
}
