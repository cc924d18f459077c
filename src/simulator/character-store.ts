/**
 * Characters made with `POST /videos/characters`: a name and the moment it was made,
 * kept (like jobs) in the state file so ids handed out survive a restart.
 */

/** One character as the simulator keeps it. */
export interface SimCharacter {
  /** `char_<hex>`. */
  readonly id: string;
  readonly name: string;
  readonly createdAtMs: number;
}

export class CharacterStore {
  readonly #characters = new Map<string, SimCharacter>();
  readonly #onChange: (() => void) | undefined;

  constructor(onChange?: () => void) {
    this.#onChange = onChange;
  }

  add(character: SimCharacter): SimCharacter {
    this.#characters.set(character.id, character);
    this.#onChange?.();
    return character;
  }

  get(id: string): SimCharacter | undefined {
    return this.#characters.get(id);
  }

  /** Oldest first. */
  all(): SimCharacter[] {
    return [...this.#characters.values()];
  }

  /** Take over characters saved by an earlier run. */
  restore(saved: readonly SimCharacter[]): void {
    for (const c of saved) if (!this.#characters.has(c.id)) this.#characters.set(c.id, c);
  }
}
