package dev.rpcparallel.internal.protocol;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's function menu sent in OPENED: each function's name and signature, in index order.
 * Calls name a function by its index in this menu.
 */
public final class Menu {
  /** One function on the menu. */
  public record Entry(int index, String name, String signature) {}

  private final List<Entry> entries;
  private final Map<String, Entry> byName;

  public Menu(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    Map<String, Entry> m = new HashMap<>();
    for (Entry e : this.entries) {
      m.put(e.name(), e);
    }
    this.byName = Collections.unmodifiableMap(m);
  }

  public Entry find(String name) {
    return byName.get(name);
  }

  public Entry at(int index) {
    return index >= 0 && index < entries.size() ? entries.get(index) : null;
  }

  public List<Entry> entries() {
    return entries;
  }

  public void write(BinaryWriter out) {
    out.writeLength(entries.size());
    for (Entry e : entries) {
      out.writeString(e.name());
      out.writeString(e.signature());
    }
  }

  public static Menu read(BinaryReader in) {
    int n = in.readLength(2);
    List<Entry> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(new Entry(i, in.readString(), in.readString()));
    }
    return new Menu(list);
  }
}
