package io.barrel.p2p.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Collects the effects of one input of {@link RegistryReplica} in order. */
final class RegistryOutbox {

  private final List<RegistryEffect> effects = new ArrayList<>();

  void add(RegistryEffect effect) {
    effects.add(effect);
  }

  void emit(ServiceEvent event) {
    effects.add(new RegistryEffect.Emit(event));
  }

  void schedule(RegistryTimer timer, Duration delay) {
    effects.add(new RegistryEffect.Schedule(timer, delay));
  }

  List<RegistryEffect> effects() {
    return List.copyOf(effects);
  }
}
