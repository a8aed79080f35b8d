package io.minirpc.cli;

import io.minirpc.text.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The options every command takes: how to reach the server, and how to print. */
final class ConnectionOptions {
  @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE",
      description = "Metadata sent with every call and in the handshake, such as"
          + " 'authorization=Bearer 7f3c...' ('KEY: VALUE' works too); repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long a call may take, connecting included: 250ms, 10s, 2m, PT5S"
          + " (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--tls", description = "Connect with TLS (on with --cacert, --cert or --key).")
  boolean tls;

  @Option(names = "--allow-insecure-credentials",
      description = "Send credentials given with -H (authorization, tokens) without TLS to a"
          + " server off loopback (minirpc.allowInsecureCredentials); only on a network you"
          + " trust.")
  boolean allowInsecureCredentials;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "PEM certificates of the CAs that sign the server's certificate (default:"
          + " the JDK's trust store); implies --tls.")
  Path caCert;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "PEM certificate chain of this client, for a server that requires one"
          + " (mutual TLS); implies --tls. Give --key too.")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE",
      description = "PEM (PKCS#8) private key of --cert.")
  Path key;

  @Option(names = "--json", description = "Print JSON documents instead of text, for scripts.")
  boolean json;

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse("--timeout", value);
    }
  }
}
