package io.minirpc.cli;

/**
 * Compiled under this placeholder name and then renamed by {@link HostileServerTest}: in its
 * class file, "Q1" becomes ESC c (a terminal reset), "Q2" U+009B (CSI) and "Q33" U+202E (a
 * right-to-left override), in its name, its method's and its parameter's. javac itself drops such
 * characters from identifiers; a server's class files need not.
 */
public interface GreeterQ1Q2Q33 {
  String greetQ1Q2Q33(String whoQ1Q2Q33);
}
