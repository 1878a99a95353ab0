package dev.rpcparallel.examples;

/** Reads {@code -name value} flags from the examples' command lines. */
final class Flags {
  private Flags() {}

  static int intFlag(String[] args, String name, int defaultValue) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name)) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        return Integer.parseInt(args[i + 1]);
      }
    }
    return defaultValue;
  }

  static boolean boolFlag(String[] args, String name, boolean defaultValue) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name)) {
        if (i + 1 == args.length || !(args[i + 1].equals("true") || args[i + 1].equals("false"))) {
          throw new IllegalArgumentException(name + " needs true or false");
        }
        return Boolean.parseBoolean(args[i + 1]);
      }
    }
    return defaultValue;
  }
}
