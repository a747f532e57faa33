/**
 * Driver preferences in an embedded SQLite database (better-sqlite3): the
 * adapter behind the `PreferenceStore` port of the agent. WAL journal, so a
 * reader (the cockpit) never blocks the writer; numbered migrations recorded
 * in `schema_migrations`, applied in order inside one transaction each.
 */
import { createRequire } from 'node:module';
import { DriverPreferencesSchema, type DriverPreferences, type PreferenceStore } from './tools.ts';

// better-sqlite3 ships no type declarations (and @types/better-sqlite3 is not a dependency): the part used here, typed.
interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface SqliteDatabase {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => SqliteDatabase;

/** Schema changes, in order; a database records the ones it has. Never edit one that shipped: add the next. */
const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'driver preferences and favourite cuisines',
    sql: `
      CREATE TABLE driver_preferences (
        driver_id TEXT PRIMARY KEY,
        max_parking_price_per_hour REAL CHECK (max_parking_price_per_hour IS NULL OR max_parking_price_per_hour >= 0),
        avoid_highways INTEGER CHECK (avoid_highways IS NULL OR avoid_highways IN (0, 1)),
        language TEXT CHECK (language IS NULL OR language IN ('en', 'zh')),
        updated_at TEXT NOT NULL
      );
      CREATE TABLE favourite_cuisines (
        driver_id TEXT NOT NULL REFERENCES driver_preferences (driver_id) ON DELETE CASCADE,
        cuisine TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (driver_id, cuisine)
      );
    `,
  },
];

/** The newest schema version this code knows. */
export const PREFERENCES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

interface PreferencesRow {
  max_parking_price_per_hour: number | null;
  avoid_highways: number | null;
  language: string | null;
}

/** Preferences per driver id in a SQLite file (or `:memory:`). */
export class SqlitePreferenceStore implements PreferenceStore {
  private readonly db: SqliteDatabase;

  private constructor(
    readonly path: string,
    private readonly clock: () => Date,
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  /** Opens (creating and migrating as needed) the database at `path`; `:memory:` for a throwaway one. */
  static open(path: string, options: { now?: () => Date } = {}): SqlitePreferenceStore {
    return new SqlitePreferenceStore(path, options.now ?? (() => new Date()));
  }

  /** Schema versions applied, oldest first. */
  appliedMigrations(): number[] {
    return (this.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
  }

  /** The journal mode SQLite reports ('wal' for a file; 'memory' for `:memory:`). */
  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  load(driverId: string): DriverPreferences {
    const row = this.db
      .prepare('SELECT max_parking_price_per_hour, avoid_highways, language FROM driver_preferences WHERE driver_id = ?')
      .get(driverId) as PreferencesRow | undefined;
    const cuisines = (
      this.db.prepare('SELECT cuisine FROM favourite_cuisines WHERE driver_id = ? ORDER BY position').all(driverId) as { cuisine: string }[]
    ).map((r) => r.cuisine);
    const preferences: DriverPreferences = { favouriteCuisines: cuisines };
    if (row?.max_parking_price_per_hour != null) preferences.maxParkingPricePerHour = row.max_parking_price_per_hour;
    if (row?.avoid_highways != null) preferences.avoidHighways = row.avoid_highways === 1;
    if (row?.language === 'en' || row?.language === 'zh') preferences.language = row.language;
    const checked = DriverPreferencesSchema.safeParse(preferences);
    if (!checked.success) throw new Error(`${this.path}: preferences of driver ${driverId} are invalid: ${checked.error.message}`);
    return checked.data;
  }

  save(driverId: string, preferences: DriverPreferences): void {
    const p = DriverPreferencesSchema.parse(preferences);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO driver_preferences (driver_id, max_parking_price_per_hour, avoid_highways, language, updated_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (driver_id) DO UPDATE SET
             max_parking_price_per_hour = excluded.max_parking_price_per_hour,
             avoid_highways = excluded.avoid_highways,
             language = excluded.language,
             updated_at = excluded.updated_at`,
        )
        .run(
          driverId,
          p.maxParkingPricePerHour ?? null,
          p.avoidHighways === undefined ? null : p.avoidHighways ? 1 : 0,
          p.language ?? null,
          this.clock().toISOString(),
        );
      this.db.prepare('DELETE FROM favourite_cuisines WHERE driver_id = ?').run(driverId);
      const insert = this.db.prepare('INSERT INTO favourite_cuisines (driver_id, cuisine, position) VALUES (?, ?, ?)');
      p.favouriteCuisines.forEach((cuisine, position) => insert.run(driverId, cuisine, position));
    })();
  }

  close(): void {
    this.db.close();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set(this.appliedMigrations());
    const newest = Math.max(0, ...applied);
    if (newest > PREFERENCES_SCHEMA_VERSION) {
      throw new Error(`${this.path}: preferences schema version ${newest} is newer than this Cabin knows (${PREFERENCES_SCHEMA_VERSION})`);
    }
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.version, migration.name, this.clock().toISOString());
      })();
    }
  }
}
