package io.minirpc.listing;

/**
 * One parameter of a {@link MethodDescription}.
 *
 * @param name its name when the interface was compiled with {@code -parameters}, else {@code
 *     arg0}, {@code arg1}...
 * @param type its generic Java type: {@code java.util.Map<java.lang.String, com.example.User>}
 * @param schema its values as a JSON Schema document (draft 2020-12), as the JSON codec reads them;
 *     records and classes are under {@code $defs}
 */
public record ParameterDescription(String name, String type, String schema) {}
