package io.minirpc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.minirpc.RpcException;
import io.minirpc.listing.MethodDescription;
import io.minirpc.listing.ParameterDescription;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "call", mixinStandardHelpOptions = true,
    description = {"Calls a method with JSON arguments and prints its result as JSON; a method"
        + " that streams prints each item as one line of JSON as it arrives. The"
        + " arguments are checked against the method's schema before anything is sent (the"
        + " server needs minirpc.server.listing=true).",
        "",
        "  minirpc call localhost:4242 Calculator.add '[2, 3]'",
        "  minirpc call localhost:4243 KeyValueStore.put '[\"k\", \"v\", [\"red\"]]'"})
final class CallCommand implements Callable<Integer> {
  /** The result type of a method that streams, as the listing writes it. */
  private static final String STREAM = "java.util.concurrent.Flow$Publisher<";

  @Spec CommandSpec spec;
  @Mixin ConnectionOptions options;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The server.")
  String address;

  @Parameters(index = "1", paramLabel = "SERVICE.METHOD",
      description = "The method: Calculator.add, or by key for one overload,"
          + " 'Calculator.add(double,double)'; the service by full or simple name.")
  String target;

  @Parameters(index = "2", arity = "0..1", paramLabel = "JSON",
      description = "The arguments, a JSON array with one element per parameter: '[2, 3]'."
          + " '-' reads them from standard input. Default: [] (no arguments).")
  String arguments;

  @Override
  public Integer call() throws Exception {
    JsonNode[] args = parse(arguments);
    PrintWriter out = spec.commandLine().getOut();
    try (Remote remote = new Remote(address, options)) {
      Methods.Target t = Methods.target(remote, target);
      if (t.method == null) {
        throw new Failure(Minirpc.USAGE, "'" + target + "' names a service; name one of its"
            + " methods too, such as " + simple(t.service.name()) + "."
            + Methods.name(t.service.methods().get(0)));
      }
      MethodDescription m = choose(t.service.name(), Methods.named(t.service, t.method), args);
      refuseClientStream(t.service.name(), m);
      if (m.resultType().startsWith(STREAM)) {
        // One line of JSON per item, as it arrives: a pipe to jq or grep sees each at once.
        remote.stream(t.service.name(), m.key(), m.digest(), args, item -> {
          out.println(Output.compact(item));
          out.flush();
        });
        return Minirpc.OK;
      }
      JsonNode result;
      try {
        result = remote.call(t.service.name(), m.key(), m.digest(), args);
      } catch (RpcException e) {
        throw e;
      } catch (RuntimeException e) {
        // A declared exception, rebuilt as itself.
        throw new Failure(Minirpc.FAILED, t.service.name() + "." + m.key() + " threw "
            + e.getClass().getName() + ": " + e.getMessage());
      }
      if (!m.resultType().equals("void")) {
        out.println(result == null ? "null" : Output.pretty(result));
      }
    }
    out.flush();
    return Minirpc.OK;
  }

  private JsonNode[] parse(String text) throws IOException {
    if (text == null) {
      return new JsonNode[0];
    }
    if (text.equals("-")) {
      text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    JsonNode node;
    try {
      node = Output.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Failure(Minirpc.USAGE, "The arguments are not valid JSON: "
          + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + "). Write a JSON array, such as '[2, 3]'");
    }
    if (node == null || !node.isArray()) {
      throw new Failure(Minirpc.USAGE, "The arguments must be a JSON array with one element"
          + " per parameter, such as '[2, 3]' or '[\"key\"]', not " + node);
    }
    List<JsonNode> out = new ArrayList<>();
    node.forEach(out::add);
    return out.toArray(new JsonNode[0]);
  }

  /** The one method the arguments fit, or a failure that says why none or several do. */
  /** Fails if {@code m} takes a stream from the client, which this command does not send. */
  private static void refuseClientStream(String service, MethodDescription m) {
    for (int i = 0; i < m.parameters().size(); i++) {
      if (m.parameters().get(i).type().startsWith(STREAM)) {
        throw new Failure(Minirpc.USAGE, service + "." + m.key() + " takes a stream from the"
            + " client (parameter " + (i + 1) + ", " + m.parameters().get(i).name() + "), which"
            + " minirpc call does not send. Call it from Java, with a Flow.Publisher");
      }
    }
  }

  private static MethodDescription choose(String service, List<MethodDescription> candidates,
      JsonNode[] args) {
    List<MethodDescription> byCount = new ArrayList<>();
    for (MethodDescription m : candidates) {
      if (m.parameters().size() == args.length) {
        byCount.add(m);
      }
    }
    if (byCount.isEmpty()) {
      List<String> takes = new ArrayList<>();
      for (MethodDescription m : candidates) {
        takes.add(Methods.signature(m));
      }
      throw new Failure(Minirpc.USAGE, args.length + " argument(s) given, but "
          + simple(service) + "." + Methods.name(candidates.get(0)) + " takes "
          + (candidates.size() == 1 ? candidates.get(0).parameters().size() + ": "
              + takes.get(0) : "other numbers: " + String.join("; ", takes)));
    }
    if (byCount.size() == 1) {
      refuseClientStream(service, byCount.get(0)); // before its arguments are checked
    }
    List<MethodDescription> fitting = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (MethodDescription m : byCount) {
      String problem = problem(m, args);
      if (problem == null) {
        fitting.add(m);
      } else {
        problems.add(byCount.size() == 1 ? problem : m.key() + ": " + problem);
      }
    }
    if (fitting.size() > 1) {
      fitting = closest(fitting, args);
    }
    if (fitting.size() == 1) {
      return fitting.get(0);
    }
    if (fitting.isEmpty()) {
      throw new Failure(Minirpc.USAGE, "The arguments do not fit " + simple(service) + "."
          + (byCount.size() == 1 ? byCount.get(0).key() + ": " + problems.get(0)
              : Methods.name(byCount.get(0)) + ": " + String.join("; ", problems))
          + ". Nothing was sent (minirpc describe shows the schemas)");
    }
    List<String> keys = new ArrayList<>();
    for (MethodDescription m : fitting) {
      keys.add(m.key());
    }
    throw new Failure(Minirpc.USAGE, "The arguments fit several overloads of "
        + simple(service) + "." + Methods.name(fitting.get(0)) + ": "
        + String.join(", ", keys) + ". Name one by its key, such as '" + simple(service) + "."
        + keys.get(0) + "'");
  }

  /**
   * Of several overloads the arguments fit, those that take whole numbers where whole numbers
   * were given, as Java picks add(int,int) for add(2, 3).
   */
  private static List<MethodDescription> closest(List<MethodDescription> fitting,
      JsonNode[] args) {
    List<MethodDescription> best = new ArrayList<>();
    int bestScore = -1;
    for (MethodDescription m : fitting) {
      int score = 0;
      for (int i = 0; i < args.length; i++) {
        if (args[i].isIntegralNumber()
            && Output.schema(m.parameters().get(i).schema()).path("type").toString()
                .contains("integer")) {
          score++;
        }
      }
      if (score > bestScore) {
        best.clear();
        bestScore = score;
      }
      if (score == bestScore) {
        best.add(m);
      }
    }
    return best;
  }

  /** What is wrong with the arguments for {@code m}, naming the argument, or null. */
  private static String problem(MethodDescription m, JsonNode[] args) {
    for (int i = 0; i < args.length; i++) {
      ParameterDescription p = m.parameters().get(i);
      String err = new SchemaValidator(Output.schema(p.schema())).check(args[i]);
      if (err != null) {
        return "argument " + (i + 1) + " (" + p.type() + " " + p.name() + ")"
            + (err.startsWith("at ") ? " " : ": ") + err;
      }
    }
    return null;
  }

  private static String simple(String service) {
    return service.substring(Math.max(service.lastIndexOf('.'), service.lastIndexOf('$')) + 1);
  }
}
