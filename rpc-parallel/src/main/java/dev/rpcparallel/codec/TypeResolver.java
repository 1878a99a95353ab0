package dev.rpcparallel.codec;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Derives codecs from reflective types (see {@link Codecs#forType}). Each derivation runs in a
 * session that knows the records and sealed types it is still building, so recursive types
 * refer to the codec under construction; completed codecs are published to a global cache only
 * when the whole derivation succeeded. Thread-safe.
 */
final class TypeResolver {
  private TypeResolver() {}

  private static final ConcurrentHashMap<Type, Codec<?>> CACHE = new ConcurrentHashMap<>();

  private static final Map<Class<?>, Codec<?>> BUILT_INS = builtIns();

  private static Map<Class<?>, Codec<?>> builtIns() {
    Map<Class<?>, Codec<?>> m = new HashMap<>();
    m.put(void.class, Codecs.VOID);
    m.put(Void.class, Codecs.VOID);
    m.put(boolean.class, Codecs.BOOLEAN);
    m.put(Boolean.class, Codecs.BOOLEAN);
    m.put(byte.class, Codecs.BYTE);
    m.put(Byte.class, Codecs.BYTE);
    m.put(short.class, Codecs.SHORT);
    m.put(Short.class, Codecs.SHORT);
    m.put(char.class, Codecs.CHAR);
    m.put(Character.class, Codecs.CHAR);
    m.put(int.class, Codecs.INT);
    m.put(Integer.class, Codecs.INT);
    m.put(long.class, Codecs.LONG);
    m.put(Long.class, Codecs.LONG);
    m.put(float.class, Codecs.FLOAT);
    m.put(Float.class, Codecs.FLOAT);
    m.put(double.class, Codecs.DOUBLE);
    m.put(Double.class, Codecs.DOUBLE);
    m.put(String.class, Codecs.STRING);
    m.put(byte[].class, Codecs.BYTES);
    m.put(UUID.class, Codecs.UUID);
    m.put(Duration.class, Codecs.DURATION);
    m.put(Instant.class, Codecs.INSTANT);
    m.put(int[].class, Codecs.INT_ARRAY);
    m.put(long[].class, Codecs.LONG_ARRAY);
    m.put(double[].class, Codecs.DOUBLE_ARRAY);
    return Map.copyOf(m);
  }

  static Codec<?> resolve(Type type) {
    Type key = Types.canonical(type);
    Codec<?> cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    Session session = new Session();
    Codec<?> codec = session.resolve(key, rootName(key));
    for (Codec<?> built : session.built.values()) {
      built.shape(); // memoize while single-threaded; also checks the graph is complete
    }
    session.built.forEach(CACHE::putIfAbsent);
    Codec<?> winner = CACHE.putIfAbsent(key, codec);
    return winner != null ? winner : codec;
  }

  private static String rootName(Type type) {
    if (type instanceof Class<?> || type instanceof ParameterizedType) {
      return Types.raw(type).getSimpleName();
    }
    return type.getTypeName();
  }

  private static IllegalArgumentException unsupported(String path, String problem) {
    return new IllegalArgumentException(path + ": " + problem);
  }

  private static final class Session {
    final Map<Type, Codec<?>> built = new LinkedHashMap<>();
    final Map<Type, BaseCodec<?>> inProgress = new HashMap<>();
    final List<BaseCodec<?>> stack = new ArrayList<>();

    Codec<?> resolve(Type type, String path) {
      Codec<?> c = CACHE.get(type);
      if (c == null) {
        c = built.get(type);
      }
      if (c != null) {
        return c;
      }
      BaseCodec<?> pending = inProgress.get(type);
      if (pending != null) {
        // A cycle: every record from the pending codec up to here recurses.
        for (int i = stack.indexOf(pending); i < stack.size(); i++) {
          if (stack.get(i) instanceof RecordCodec<?> r) {
            r.markRecursive();
          }
        }
        return pending;
      }
      c = create(type, path);
      built.put(type, c);
      return c;
    }

    private Codec<?> create(Type type, String path) {
      if (type instanceof Class<?> c) {
        return forClass(c, c, Map.of(), path);
      }
      if (type instanceof ParameterizedType p) {
        return forParameterized(p, path);
      }
      if (type instanceof GenericArrayType g) {
        return array(g.getGenericComponentType(), path);
      }
      if (type instanceof TypeVariable<?> v) {
        throw unsupported(
            path,
            "unresolved type variable " + v.getName() + " of " + v.getGenericDeclaration()
                + "; generic types need concrete type arguments (use a record component or field of type"
                + " Box<String>, or Codecs.forType with a ParameterizedType)");
      }
      throw unsupported(path, "no codec for " + type.getTypeName());
    }

    private Codec<?> forParameterized(ParameterizedType p, String path) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) {
        return Codecs.optional(resolve(args[0], path + "?"));
      }
      if (raw == List.class) {
        return Codecs.list(resolve(args[0], path + "[]"));
      }
      if (raw == Set.class) {
        return Codecs.set(resolve(args[0], path + "[]"));
      }
      if (raw == Map.class) {
        return Codecs.map(resolve(args[0], path + "<key>"), resolve(args[1], path + "<value>"));
      }
      TypeVariable<?>[] vars = raw.getTypeParameters();
      Map<TypeVariable<?>, Type> bindings = new HashMap<>();
      for (int i = 0; i < vars.length && i < args.length; i++) {
        bindings.put(vars[i], args[i]);
      }
      return forClass(raw, p, bindings, path);
    }

    private Codec<?> forClass(Class<?> c, Type key, Map<TypeVariable<?>, Type> bindings, String path) {
      Codec<?> builtIn = BUILT_INS.get(c);
      if (builtIn != null) {
        return builtIn;
      }
      Codec<?> user = userCodec(c, path);
      if (user != null) {
        return user;
      }
      if (c.isEnum()) {
        return enumCodec(c);
      }
      if (c.isRecord()) {
        return record(c, key, bindings, path);
      }
      if (c.isSealed() && (c.isInterface() || Modifier.isAbstract(c.getModifiers()))) {
        return sealed(c, key, bindings, path);
      }
      if (c.isArray() && !c.getComponentType().isPrimitive()) {
        return array(c.getComponentType(), path);
      }
      if (c == Optional.class || c == List.class || c == Set.class || c == Map.class) {
        throw unsupported(path, "raw " + c.getName() + " needs type arguments");
      }
      throw unsupported(path, "no codec for " + c.getTypeName());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Codec<?> enumCodec(Class<?> c) {
      return new EnumCodec(c);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Codec<?> array(Type component, String path) {
      Codec<?> element = resolve(component, path + "[]");
      Class<?> raw = Types.raw(component);
      return new CollectionCodecs.ArrayCodec(element, n -> (Object[]) Array.newInstance(raw, n));
    }

    private <T> Codec<T> record(Class<T> c, Type key, Map<TypeVariable<?>, Type> bindings, String path) {
      RecordCodec<T> codec = new RecordCodec<>(c, key);
      begin(key, codec);
      try {
        RecordComponent[] rc = c.getRecordComponents();
        Codec<?>[] codecs = new Codec<?>[rc.length];
        for (int i = 0; i < rc.length; i++) {
          Type t = Types.substitute(rc[i].getGenericType(), bindings);
          Codec<?> cc = resolve(t, path + "." + rc[i].getName());
          codecs[i] = isNullable(rc[i]) ? Codecs.nullable(cc) : cc;
        }
        codec.init(codecs);
      } finally {
        end(key);
      }
      return codec;
    }

    private <T> Codec<T> sealed(Class<T> c, Type key, Map<TypeVariable<?>, Type> bindings, String path) {
      Class<?>[] variants = c.getPermittedSubclasses().clone();
      Arrays.sort(variants, Comparator.comparing(Class<?>::getSimpleName).thenComparing(Class::getName));
      SealedCodec<T> codec = new SealedCodec<>(c, key, variants);
      begin(key, codec);
      try {
        Codec<?>[] codecs = new Codec<?>[variants.length];
        for (int i = 0; i < variants.length; i++) {
          codecs[i] = resolve(variantType(variants[i], c, bindings), path + "/" + variants[i].getSimpleName());
        }
        codec.init(codecs);
      } finally {
        end(key);
      }
      return codec;
    }

    private void begin(Type key, BaseCodec<?> codec) {
      inProgress.put(key, codec);
      stack.add(codec);
    }

    private void end(Type key) {
      inProgress.remove(key);
      stack.remove(stack.size() - 1);
    }
  }

  /**
   * The type of permitted subclass {@code variant} of the sealed {@code parent} whose type
   * variables are bound by {@code bindings}: for {@code record Ok<T>(T v) implements Result<T>}
   * and {@code Result<String>}, {@code Ok<String>}.
   */
  private static Type variantType(Class<?> variant, Class<?> parent, Map<TypeVariable<?>, Type> bindings) {
    TypeVariable<?>[] vars = variant.getTypeParameters();
    if (vars.length == 0) {
      return variant;
    }
    List<Type> supers = new ArrayList<>(Arrays.asList(variant.getGenericInterfaces()));
    supers.add(variant.getGenericSuperclass());
    Map<TypeVariable<?>, Type> own = new HashMap<>();
    for (Type s : supers) {
      if (s instanceof ParameterizedType p && p.getRawType() == parent) {
        Type[] args = p.getActualTypeArguments();
        TypeVariable<?>[] parentVars = parent.getTypeParameters();
        for (int i = 0; i < args.length; i++) {
          Type bound = bindings.get(parentVars[i]);
          if (args[i] instanceof TypeVariable<?> v && bound != null) {
            own.put(v, bound);
          }
        }
      }
    }
    Type[] args = new Type[vars.length];
    for (int i = 0; i < vars.length; i++) {
      args[i] = own.getOrDefault(vars[i], vars[i]);
    }
    return new Types.Parameterized(variant, args);
  }

  private static boolean isNullable(RecordComponent rc) {
    if (rc.getType().isPrimitive()) {
      return false;
    }
    return named(rc.getAnnotations()) || named(rc.getAnnotatedType().getAnnotations());
  }

  private static boolean named(Annotation[] annotations) {
    for (Annotation a : annotations) {
      if (a.annotationType().getSimpleName().equals("Nullable")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The codec in {@code type}'s own {@code public static final Codec<Self> CODEC} field, guarded;
   * null if there is no such field or it is still null (the class is initializing, typically
   * because the field is being set to {@code Codecs.derive(Self.class)}).
   */
  private static Codec<?> userCodec(Class<?> type, String path) {
    Field field;
    try {
      field = type.getDeclaredField("CODEC");
    } catch (NoSuchFieldException e) {
      return null;
    }
    int m = field.getModifiers();
    if (!Modifier.isPublic(m) || !Modifier.isStatic(m) || !Modifier.isFinal(m) || field.getType() != Codec.class) {
      return null;
    }
    if (field.getGenericType() instanceof ParameterizedType p
        && !(p.getActualTypeArguments()[0] instanceof TypeVariable)
        && Types.raw(p.getActualTypeArguments()[0]) != type) {
      throw unsupported(path, type.getName() + ".CODEC is a " + p.getTypeName() + ", not a Codec<" + type.getSimpleName() + ">");
    }
    Object value;
    try {
      field.trySetAccessible();
      value = field.get(null);
    } catch (IllegalAccessException | RuntimeException | ExceptionInInitializerError e) {
      throw new IllegalArgumentException(path + ": cannot read " + type.getName() + ".CODEC: " + e, e);
    }
    return value == null ? null : Guarded.of((Codec<?>) value);
  }
}
