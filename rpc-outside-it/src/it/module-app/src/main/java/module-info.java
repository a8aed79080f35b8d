/**
 * An application on the module path. It reads minirpc's API and runtime and both codecs, which the
 * module path finds as the automatic modules their jars name; the API finds the runtime, and the
 * runtime the codecs, with ServiceLoader. It exports the package of its service, so that the
 * runtime can proxy and serve the interface and the codecs can read and write its records.
 */
module com.example.greeter {
  requires io.minirpc.api;
  requires io.minirpc.core;
  requires io.minirpc.codec.json;
  requires io.minirpc.codec.kryo;

  exports com.example.greeter;
}
