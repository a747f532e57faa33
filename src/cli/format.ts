import polyline from '@mapbox/polyline';
import type { Route } from '../routing/index.ts';

export type Language = 'en' | 'zh';

/** Distance as a driver reads it: metres below 1 km, else km with one decimal. */
export function formatDistance(metres: number, lang: Language): string {
  if (metres < 1000) return lang === 'zh' ? `${Math.round(metres)}米` : `${Math.round(metres)} m`;
  const km = (metres / 1000).toFixed(1);
  return lang === 'zh' ? `${km}公里` : `${km} km`;
}

/** Duration as a driver reads it. */
export function formatDuration(seconds: number, lang: Language): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return lang === 'zh' ? `${minutes}分钟` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return lang === 'zh' ? `${hours}小时${rest}分钟` : `${hours} h ${rest} min`;
}

/** The route as readable text: a summary line, then one line per step. */
export function routeText(route: Route, lang: Language): string {
  const lines = [
    lang === 'zh'
      ? `全程${formatDistance(route.distanceM, lang)}，约${formatDuration(route.durationS, lang)}`
      : `${formatDistance(route.distanceM, lang)}, about ${formatDuration(route.durationS, lang)}`,
  ];
  let n = 1;
  for (const leg of route.legs) {
    for (const step of leg.steps) {
      const text = step.instruction[lang];
      const distance = step.distanceM > 0 ? `  (${formatDistance(step.distanceM, lang)})` : '';
      lines.push(`${String(n++).padStart(3)}. ${text}${distance}`);
    }
  }
  return lines.join('\n');
}

/** The route as JSON for programs: everything, plus the geometry as an encoded polyline (precision 5, as OSRM). */
export function routeJson(route: Route): unknown {
  return {
    distanceM: round1(route.distanceM),
    durationS: round1(route.durationS),
    polyline: polyline.encode(route.coordinates.map(([lon, lat]) => [lat, lon])),
    geometry: { type: 'LineString', coordinates: route.coordinates },
    waypoints: route.waypoints,
    legs: route.legs.map((leg) => ({
      distanceM: round1(leg.distanceM),
      durationS: round1(leg.durationS),
      steps: leg.steps,
    })),
  };
}

/** The route as a GeoJSON FeatureCollection: the line, and a point per maneuver. */
export function routeGeoJson(route: Route, lang: Language): unknown {
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { distanceM: round1(route.distanceM), durationS: round1(route.durationS) },
        geometry: { type: 'LineString', coordinates: route.coordinates },
      },
      ...route.legs.flatMap((leg) =>
        leg.steps.map((step) => ({
          type: 'Feature',
          properties: { maneuver: step.maneuver.type, modifier: step.maneuver.modifier ?? null, instruction: step.instruction[lang], distanceM: step.distanceM },
          geometry: { type: 'Point', coordinates: step.maneuver.location },
        })),
      ),
    ],
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
