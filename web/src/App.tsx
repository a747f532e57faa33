import { useEffect, useMemo, useRef, useState } from 'react';
import { fetchMapInfo, fetchRoute, sendTurn, type Card, type Lang, type StatusCard, type TripCard, type Turn } from './api.ts';
import { distanceText, lightReasonText, movementText, t, type Strings } from './i18n.ts';
import { MapView, type ResultCard } from './MapView.tsx';
import { useTrafficLight } from './signals.ts';
import { rangeText, useVehicle, type LightAhead } from './vehicle.ts';
import type { LightState } from './signals.ts';
import { VoiceButton } from './Voice.tsx';

/** This screen is one driver in one car. */
const SESSION = 'cockpit:driver';

interface Line {
  who: 'driver' | 'cabin';
  text: string;
}

interface NextTurn {
  instruction: { en: string; zh: string };
  distanceM: number;
}

export function App(): React.JSX.Element {
  const [lang, setLang] = useState<Lang>('en');
  const [bbox, setBbox] = useState<[number, number, number, number]>();
  const [lines, setLines] = useState<Line[]>([]);
  const [cards, setCards] = useState<Card[]>([]);
  const [expecting, setExpecting] = useState('nothing');
  const [trip, setTrip] = useState<TripCard>();
  const [status, setStatus] = useState<StatusCard>();
  const [nextTurn, setNextTurn] = useState<NextTurn>();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  const transcript = useRef<HTMLOListElement>(null);
  const s = t(lang);

  useEffect(() => {
    fetchMapInfo().then((m) => setBbox(m.info.bbox), (e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    transcript.current?.scrollTo({ top: transcript.current.scrollHeight });
  }, [lines, busy]);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = s.title;
  }, [lang]);

  // The trip card has the line but not the turns: ask the router for the first instruction.
  useEffect(() => {
    setNextTurn(undefined);
    const coordinates = trip?.coordinates;
    if (!coordinates || coordinates.length < 2) return;
    let live = true;
    fetchRoute(coordinates[0]!, coordinates[coordinates.length - 1]!, lang).then(
      (route) => {
        const step = route.legs[0]?.steps.find((x) => x.maneuver.type !== 'depart') ?? route.legs[0]?.steps[0];
        if (live && step) {
          const first = route.legs[0]!.steps[0]!;
          setNextTurn({ instruction: step.instruction, distanceM: step === first ? 0 : first.distanceM });
        }
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [trip]);

  const carAt = useMemo<[number, number] | undefined>(
    () => trip?.coordinates[0] ?? (bbox ? [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2] : undefined),
    [trip, bbox],
  );
  const light = useTrafficLight(carAt, trip?.coordinates);
  // Once a trip is driven, the car (simulated or real) and the light the server matches ahead of it.
  const { vehicle: car, ahead } = useVehicle(SESSION.slice(0, SESSION.indexOf(':')), trip !== undefined);
  const shownLight = bigLight(trip !== undefined ? ahead : undefined, light, s, lang);

  // Driving mode: on while the car moves (and for a while after it last did, so a red light does not flip the screen), or by the toggle.
  const [lastMovingMs, setLastMovingMs] = useState<number>();
  const [forced, setForced] = useState<boolean>();
  useEffect(() => {
    if (trip && (car?.speedKmh ?? 0) > DRIVING_KMH) setLastMovingMs(Date.now());
    if (!trip) setLastMovingMs(undefined);
  }, [car, trip]);
  const moving = lastMovingMs !== undefined && Date.now() - lastMovingMs < DRIVING_HOLD_MS;
  const driving = forced ?? moving;

  const say = async (request: string): Promise<void> => {
    const trimmed = request.trim();
    if (!trimmed || busy) return;
    setBusy(true);
    setError(undefined);
    setLines((l) => [...l, { who: 'driver', text: trimmed }]);
    setText('');
    try {
      showTurn(await sendTurn(SESSION, trimmed));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  // A turn typed or spoken: the reply, the cards and the trip.
  const showTurn = (turn: Turn): void => {
    setLang(turn.speech.language === 'zh' ? 'zh' : 'en');
    setLines((l) => [...l, { who: 'cabin', text: turn.speech.text }]);
    setExpecting(turn.expecting);
    const shown = turn.cards.filter((c) => c.kind !== 'trip' && c.kind !== 'status');
    setCards(shown);
    const newTrip = turn.cards.find((c): c is TripCard => c.kind === 'trip');
    // A proposed trip (waiting for yes) is shown as a card; a confirmed one becomes the trip.
    if (newTrip && turn.expecting !== 'confirmation') setTrip(newTrip);
    if (newTrip && turn.expecting === 'confirmation') setCards([newTrip, ...shown.filter((c) => c.kind !== 'place')]);
    const newStatus = turn.cards.find((c): c is StatusCard => c.kind === 'status');
    if (newStatus) setStatus(newStatus);
  };

  const results = useMemo(() => cards.filter((c): c is ResultCard => c.kind === 'parking' || c.kind === 'food'), [cards]);

  return (
    <div className="cockpit" data-lang={lang}>
      <MapView bbox={bbox} route={trip?.coordinates} stops={trip?.stops} results={results} lang={lang} car={car} onPick={(card) => void say(lang === 'zh' ? `去${card.name.zh}` : `take me to ${card.name.en}`)} />

      <section className="trip" aria-label={s.trip} data-testid="trip">
        {trip ? (
          <>
            <div className="trip-destination">{trip.destination[lang]}</div>
            <div className="trip-figures">
              <span>
                {s.eta} <b data-testid="eta">{status?.arrival ?? trip.arrival}</b>
              </span>
              <span>
                {s.remaining} {distanceText(status?.remainingDistanceM ?? trip.distanceM)} · {Math.max(1, Math.round((status?.remainingS ?? trip.durationS) / 60))} {s.min}
              </span>
            </div>
            {(status?.nextTurn ?? nextTurn) && (
              <div className="trip-next" data-testid="next-turn">
                {s.nextTurn}: {(status?.nextTurn ?? nextTurn)!.instruction[lang]}
                {(status?.nextTurn ?? nextTurn)!.distanceM > 0 && ` · ${distanceText((status?.nextTurn ?? nextTurn)!.distanceM)}`}
              </div>
            )}
          </>
        ) : (
          <div className="trip-none">{s.noTrip}</div>
        )}
      </section>

      <section
        className={`light light-${shownLight.colour}${light.flashing && shownLight.source === 'stream' ? ' flashing' : ''}`}
        aria-label={s.light}
        aria-live="polite"
        data-testid="traffic-light"
        data-colour={shownLight.colour}
        data-source={shownLight.source}
      >
        <div className="lamps" aria-hidden="true">
          <span className="lamp red" />
          <span className="lamp amber" />
          <span className="lamp green" />
        </div>
        <div className="light-text">
          <div className={`light-count${shownLight.number ? '' : ' light-words'}`} data-testid="countdown" data-reason={shownLight.reason ?? ''}>
            {shownLight.big}
          </div>
          {shownLight.reasonText && (
            <div className="light-reason" data-testid="countdown-reason">
              {shownLight.reasonText}
            </div>
          )}
          <div className="light-name">{ahead?.found && trip ? (ahead.intersection.name ?? light.intersection?.name ?? s.light) : light.intersection ? light.intersection.name : s.noLight}</div>
          <div className="light-group">{light.stale ? '' : `${s[light.colour === 'unknown' ? 'noLight' : light.colour]} · ${movementText(light.group ?? '', lang)}`}</div>
          {ahead?.found && (
            <div className="light-ahead" data-testid="light-ahead" data-countdown={ahead.countdown.kind}>
              {rangeText(ahead.countdown) ?? ('reason' in ahead.countdown ? lightReasonText(ahead.countdown.reason, lang) : '')}
              {ahead.advice?.text && <span data-testid="speed-advice"> · {ahead.advice.text[lang]}</span>}
            </div>
          )}
        </div>
      </section>

      <aside className="panel" data-mode={driving ? 'driving' : 'parked'} data-testid="panel">
        <button type="button" className="big driving-toggle" aria-pressed={driving} data-testid="driving-mode" onClick={() => setForced(!driving)}>
          {s.drivingMode}
        </button>
        <section className="conversation" aria-label={s.ask}>
          <ol ref={transcript} className="transcript" aria-live="polite" data-testid="transcript" data-lines={lines.length} data-busy={busy}>
            {lines.slice(-6).map((line, i) => (
              <li key={`${lines.length}-${i}`} className={line.who}>
                {line.text}
              </li>
            ))}
            {busy && <li className="cabin thinking">{s.thinking}</li>}
          </ol>
          {error && (
            <p className="error" role="alert">
              {s.error}: {error}
            </p>
          )}
          {expecting === 'confirmation' && (
            <div className="confirm">
              <button type="button" className="big yes" onClick={() => void say(lang === 'zh' ? '是的' : 'yes')} data-testid="yes">
                {s.yes}
              </button>
              <button type="button" className="big no" onClick={() => void say(lang === 'zh' ? '不用了' : 'no')}>
                {s.no}
              </button>
            </div>
          )}
          <form
            className="ask"
            onSubmit={(e) => {
              e.preventDefault();
              void say(text);
            }}
          >
            <input
              ref={input}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={s.placeholder}
              aria-label={s.ask}
              data-testid="ask"
              disabled={busy}
            />
            <button type="submit" className="big" aria-label={s.send} disabled={busy || text.trim() === ''} data-testid="send">
              {s.send}
            </button>
            <VoiceButton
              session={SESSION}
              label={s.mic}
              onTurn={(heard, turn) => {
                setLines((l) => [...l, { who: 'driver', text: heard }]);
                showTurn(turn);
              }}
              onError={setError}
            />
          </form>
        </section>

        <section className="cards" aria-label={s.results}>
          {cards.length === 0 && <p className="hint">{s.noResults}</p>}
          <ol>
            {cards.map((card, i) => (
              <CardView key={`${card.kind}-${'id' in card ? card.id : i}`} card={card} index={i} lang={lang} compact={driving} onGo={(name) => void say(lang === 'zh' ? `去${name.zh}` : `take me to ${name.en}`)} />
            ))}
          </ol>
        </section>
      </aside>
    </div>
  );
}

function CardView({ card, index, lang, compact, onGo }: { card: Card; index: number; lang: Lang; compact: boolean; onGo: (name: { en: string; zh: string }) => void }): React.JSX.Element | null {
  const s = t(lang);
  // Driving: the name and the first reason only.
  const few = <T,>(list: T[]): T[] => (compact ? list.slice(0, 1) : list);
  switch (card.kind) {
    case 'parking':
    case 'food':
    case 'place':
      return (
        <li className={`card card-${card.kind}`} data-testid={`card-${card.kind}`}>
          <button type="button" className="card-go" onClick={() => onGo(card.name)} aria-label={`${index + 1}. ${card.name[lang]}`}>
            <span className="card-index">{card.kind === 'parking' ? 'P' : card.kind === 'food' ? <FoodIcon /> : index + 1}</span>
            <span className="card-body">
              <span className="card-name">{card.name[lang]}</span>
              {card.kind !== 'place' ? (
                <span className="reasons">
                  {few(card.reasons).map((r) => (
                    <span key={r.code} className={`reason reason-${r.code}`}>
                      {r[lang]}
                    </span>
                  ))}
                </span>
              ) : (
                card.distanceM !== undefined && <span className="reasons">{distanceText(card.distanceM)}</span>
              )}
            </span>
          </button>
        </li>
      );
    case 'trip':
      return (
        <li className="card card-trip" data-testid="card-trip">
          <span className="card-name">{card.destination[lang]}</span>
          <span className="reasons">
            <span className="reason">{distanceText(card.distanceM)}</span>
            {!compact && (
              <>
            <span className="reason">
              {Math.max(1, Math.round(card.durationS / 60))} {s.min}
            </span>
            <span className="reason">
              {s.eta} {card.arrival}
            </span>
            {card.reasons.map((r) => (
              <span key={r.code} className="reason">
                {r[lang]}
              </span>
            ))}
              </>
            )}
          </span>
        </li>
      );
    case 'traffic-light':
      return (
        <li className="card card-light" data-testid="card-traffic-light">
          <span className="reasons">
            {few(card.reasons).map((r) => (
              <span key={r.code} className="reason">
                {r[lang]}
              </span>
            ))}
          </span>
        </li>
      );
    case 'status':
    case 'preferences':
      return null;
    default: {
      const never: never = card;
      return never;
    }
  }
}

export function FoodIcon(): React.JSX.Element {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
      <path d="M7 3v8M4 3v5a3 3 0 0 0 6 0V3M7 11v10M17 21V3c-2 1-3 4-3 8h3" />
    </svg>
  );
}

const DRIVING_KMH = 5;
const DRIVING_HOLD_MS = 60_000;
/** The stream's own countdown is hidden in its final seconds too, as `/ahead` hides it. */
const FINAL_S = 3;

interface BigLight {
  colour: string;
  /** The big line: a number of seconds, or the light's state in words. */
  big: string;
  number: boolean;
  reason?: string;
  reasonText?: string;
  source: 'ahead' | 'stream';
}

const colourWord = (light: string, s: Strings): string => {
  const base = light.replace(/^flashing-/, '').replace(/^red-amber$/, 'red');
  return base === 'red' || base === 'amber' || base === 'green' || base === 'dark' ? s[base] : s.noLight;
};
const widgetColour = (light: string): string => (light.startsWith('flashing-') ? light.slice(9) : light === 'red-amber' ? 'amber' : light);

/** The light widget's big line: `/ahead` while a trip is driven (its countdown, or the state and why there is none), else the stream. */
function bigLight(ahead: LightAhead | undefined, light: LightState, s: Strings, lang: Lang): BigLight {
  const hidden = (colour: string, word: string, reason: string, source: BigLight['source']): BigLight => ({ colour, big: word, number: false, reason, reasonText: lightReasonText(reason, lang), source });
  if (ahead?.found) {
    const display = ahead.countdown;
    if (display.kind === 'countdown') return { colour: widgetColour(display.light), big: `${display.seconds}s`, number: true, source: 'ahead' };
    if (display.kind === 'state') return hidden(widgetColour(display.light), colourWord(display.light, s), display.reason, 'ahead');
    return hidden('stale', s.noLight, display.reason, 'ahead');
  }
  if (light.stale) return light.intersection ? hidden('stale', s.noLight, 'stale', 'stream') : { colour: 'stale', big: s.noLight, number: false, source: 'stream' };
  const word = colourWord(light.colour, s);
  if (light.changesInS === undefined) return { colour: light.colour, big: word, number: false, source: 'stream' };
  if (light.changesInS <= FINAL_S) return hidden(light.colour, word, 'final-seconds', 'stream');
  return { colour: light.colour, big: `${light.changesInS}s`, number: true, source: 'stream' };
}
