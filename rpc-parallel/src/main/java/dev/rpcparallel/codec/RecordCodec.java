package dev.rpcparallel.codec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code Point{x:i32,y:i32}}: the components in declaration order, decoded through the canonical
 * constructor (so record invariants run). A record without components encodes as one zero byte.
 * Created empty and {@linkplain #init initialized} once its component codecs exist, so recursive
 * records can refer to themselves while being derived.
 */
final class RecordCodec<T> extends BaseCodec<T> {
  private static final MethodType ACCESSOR = MethodType.methodType(Object.class, Object.class);
  private static final MethodType CONSTRUCTOR = MethodType.methodType(Object.class, Object[].class);

  private final Type key;
  private final String name;
  private final String[] names;
  private final MethodHandle[] accessors;
  private final MethodHandle constructor;
  private volatile Codec<Object>[] components;
  private volatile boolean recursive;

  RecordCodec(Class<T> type, Type key) {
    this.key = key;
    this.name = type.getSimpleName();
    RecordComponent[] rc = type.getRecordComponents();
    names = new String[rc.length];
    accessors = new MethodHandle[rc.length];
    Class<?>[] types = new Class<?>[rc.length];
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      for (int i = 0; i < rc.length; i++) {
        names[i] = rc[i].getName();
        types[i] = rc[i].getType();
        var accessor = rc[i].getAccessor();
        accessor.trySetAccessible();
        accessors[i] = lookup.unreflect(accessor).asType(ACCESSOR);
      }
      Constructor<T> ctor = type.getDeclaredConstructor(types);
      ctor.trySetAccessible();
      constructor = lookup.unreflectConstructor(ctor).asSpreader(Object[].class, rc.length).asType(CONSTRUCTOR);
    } catch (IllegalAccessException | NoSuchMethodException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot access the canonical constructor or accessors of record " + type.getName()
              + " (make it public in an exported package, or open its package to this library): " + e,
          e);
    }
  }

  @SuppressWarnings("unchecked")
  void init(Codec<?>[] codecs) {
    this.components = (Codec<Object>[]) codecs;
  }

  /** Marks this record as part of a cycle: its nesting depth is then bounded. */
  void markRecursive() {
    recursive = true;
  }

  Type key() {
    return key;
  }

  @Override
  public void encode(T value, BinaryWriter out) {
    if (value == null) {
      throw nullValue();
    }
    Codec<Object>[] codecs = components;
    if (codecs.length == 0) {
      out.writeByte(0);
      return;
    }
    boolean bounded = recursive;
    if (bounded) {
      out.enter(name);
    }
    try {
      for (int i = 0; i < codecs.length; i++) {
        Object component = component(i, value);
        if (component == null && !(codecs[i] instanceof BaseCodec<?> b && b.acceptsNull())) {
          throw new CodecException(
              "null in component " + names[i] + " of " + name + "; use Optional or a nullable codec");
        }
        codecs[i].encode(component, out);
      }
    } finally {
      if (bounded) {
        out.exit();
      }
    }
  }

  private Object component(int i, T value) {
    try {
      return accessors[i].invokeExact((Object) value);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new CodecException("accessor " + names[i] + " of " + name + " failed: " + t);
    }
  }

  @Override
  T read(BinaryReader in) {
    Codec<Object>[] codecs = components;
    in.charge(16 + 8L * codecs.length);
    if (codecs.length == 0) {
      int at = in.position();
      int b = in.readByte();
      if (b != 0) {
        throw new CodecException(shape(), at, "expected a zero byte for an empty record, got " + b);
      }
      return construct(new Object[0], in);
    }
    boolean bounded = recursive;
    if (bounded) {
      in.enter(shape());
    }
    try {
      Object[] args = new Object[codecs.length];
      for (int i = 0; i < codecs.length; i++) {
        args[i] = codecs[i].decode(in);
      }
      return construct(args, in);
    } finally {
      if (bounded) {
        in.exit();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private T construct(Object[] args, BinaryReader in) {
    try {
      return (T) (Object) constructor.invokeExact(args);
    } catch (CodecException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new CodecException(shape(), in.position(), "the constructor of " + name + " rejected the value: " + e);
    } catch (Error e) {
      throw e;
    } catch (Throwable t) {
      throw new CodecException(shape(), in.position(), "the constructor of " + name + " failed: " + t);
    }
  }

  @Override
  void describe(StringBuilder sb, List<Object> path) {
    if (path.contains(key)) {
      sb.append('@').append(name);
      return;
    }
    path.add(key);
    sb.append(name).append('{');
    Codec<Object>[] codecs = components;
    for (int i = 0; i < codecs.length; i++) {
      sb.append(i == 0 ? "" : ",").append(names[i]).append(':');
      describe(codecs[i], sb, path);
    }
    sb.append('}');
    path.remove(path.size() - 1);
  }
}
