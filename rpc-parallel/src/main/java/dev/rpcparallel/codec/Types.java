package dev.rpcparallel.codec;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Canonical forms of reflective types, used as cache keys: classes stay classes, parameterized
 * and generic array types become this class's value-based implementations (equal when raw type
 * and arguments are equal, owners ignored), {@code ? extends X} becomes {@code X}, and arrays of
 * classes become array classes.
 */
final class Types {
  private Types() {}

  static Type canonical(Type type) {
    return substitute(type, Map.of());
  }

  /** {@code type} with the type variables in {@code bindings} replaced, in canonical form. */
  static Type substitute(Type type, Map<TypeVariable<?>, Type> bindings) {
    if (type instanceof Class<?>) {
      return type;
    }
    if (type instanceof TypeVariable<?> v) {
      Type bound = bindings.get(v);
      return bound != null ? bound : v;
    }
    if (type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments().clone();
      for (int i = 0; i < args.length; i++) {
        args[i] = substitute(args[i], bindings);
      }
      return new Parameterized((Class<?>) p.getRawType(), args);
    }
    if (type instanceof GenericArrayType g) {
      Type component = substitute(g.getGenericComponentType(), bindings);
      return component instanceof Class<?> c ? Array.newInstance(c, 0).getClass() : new GenericArray(component);
    }
    if (type instanceof WildcardType w && w.getLowerBounds().length == 0 && w.getUpperBounds().length == 1) {
      return substitute(w.getUpperBounds()[0], bindings);
    }
    return type; // other wildcards: reported as unsupported by the resolver
  }

  /** The class of values of {@code type} (for array creation). */
  static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (type instanceof GenericArrayType g) {
      return Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
    }
    return Object.class;
  }

  static final class Parameterized implements ParameterizedType {
    private final Class<?> raw;
    private final Type[] args;

    Parameterized(Class<?> raw, Type[] args) {
      this.raw = raw;
      this.args = args;
    }

    @Override
    public Type[] getActualTypeArguments() {
      return args.clone();
    }

    @Override
    public Type getRawType() {
      return raw;
    }

    @Override
    public Type getOwnerType() {
      return raw.getDeclaringClass();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Parameterized p && raw == p.raw && Arrays.equals(args, p.args);
    }

    @Override
    public int hashCode() {
      return raw.hashCode() * 31 + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(raw.getName()).append('<');
      for (int i = 0; i < args.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(args[i].getTypeName());
      }
      return sb.append('>').toString();
    }
  }

  static final class GenericArray implements GenericArrayType {
    private final Type component;

    GenericArray(Type component) {
      this.component = component;
    }

    @Override
    public Type getGenericComponentType() {
      return component;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GenericArray g && component.equals(g.component);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(component) ^ 0x5A5A;
    }

    @Override
    public String toString() {
      return component.getTypeName() + "[]";
    }
  }
}
