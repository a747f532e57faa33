/**
 * The map: roads from `/api/map/roads.geojson` for the visible box, the
 * signalised intersections, the route and a marker per parking or food
 * result. The style is built here: no tile server, no fonts, no glyphs.
 * State for tests is on the container's data-* attributes.
 */
import { useEffect, useRef, useState } from 'react';
import maplibregl, { type GeoJSONSource, type StyleSpecification } from 'maplibre-gl';
import type { FoodCard, Lang, ParkingCard } from './api.ts';
import { t } from './i18n.ts';

const emptyCollection = { type: 'FeatureCollection' as const, features: [] };

const style: StyleSpecification = {
  version: 8,
  sources: {
    roads: { type: 'geojson', data: emptyCollection },
    signals: { type: 'geojson', data: emptyCollection },
    route: { type: 'geojson', data: emptyCollection },
  },
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': '#0f1720' } },
    {
      id: 'roads',
      type: 'line',
      source: 'roads',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': ['match', ['get', 'class'], ['motorway', 'trunk', 'motorway_link', 'trunk_link'], '#c9a35c', ['primary', 'secondary', 'primary_link', 'secondary_link'], '#8a96a8', '#4a5566'],
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, ['match', ['get', 'class'], ['motorway', 'trunk', 'primary'], 2, 0.6], 16, ['match', ['get', 'class'], ['motorway', 'trunk', 'primary'], 9, 4]],
      },
    },
    { id: 'route-casing', type: 'line', source: 'route', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#0b3d91', 'line-width': 10 } },
    { id: 'route', type: 'line', source: 'route', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#3da5ff', 'line-width': 6 } },
    {
      id: 'signals',
      type: 'circle',
      source: 'signals',
      minzoom: 13,
      paint: { 'circle-radius': 3.5, 'circle-color': '#e5484d', 'circle-stroke-color': '#0f1720', 'circle-stroke-width': 1 },
    },
  ],
};

const FOOD_SVG =
  '<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round"><path d="M7 3v8M4 3v5a3 3 0 0 0 6 0V3M7 11v10M17 21V3c-2 1-3 4-3 8h3"/></svg>';

export type ResultCard = ParkingCard | FoodCard;

interface Props {
  bbox: [number, number, number, number] | undefined;
  route: [number, number][] | undefined;
  results: ResultCard[];
  lang: Lang;
  onPick: (card: ResultCard) => void;
  /** The trip's stops in order (the destination last), drawn as numbered markers. */
  stops?: { id: string; name: { en: string; zh: string }; lat: number; lon: number }[] | undefined;
  /** Where the car is now (the simulated drive or a real feed), with its heading. */
  car?: { lat: number; lon: number; headingDeg?: number | undefined } | undefined;
}

/** The largest box the roads endpoint serves is 2°; stay well inside it. */
const MAX_ROADS_SPAN = 0.5;

export function MapView({ bbox, route, stops, results, lang, onPick, car }: Props): React.JSX.Element {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'unavailable'>('loading');
  const [roads, setRoads] = useState(0);
  const [signals, setSignals] = useState(0);

  useEffect(() => {
    if (!container.current || !bbox) return;
    const [w, s, e, n] = bbox;
    let map: maplibregl.Map;
    try {
      map = new maplibregl.Map({
        container: container.current,
        style,
        center: [(w + e) / 2, (s + n) / 2],
        zoom: 14,
        attributionControl: false,
        maxBounds: [w - 0.05, s - 0.05, e + 0.05, n + 0.05],
      });
    } catch {
      // MapLibre throws when the browser gives it no WebGL context.
      setState('unavailable');
      return;
    }
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
    const loadRoads = async (): Promise<void> => {
      const b = map.getBounds();
      const west = Math.max(b.getWest(), b.getCenter().lng - MAX_ROADS_SPAN / 2);
      const east = Math.min(b.getEast(), b.getCenter().lng + MAX_ROADS_SPAN / 2);
      const south = Math.max(b.getSouth(), b.getCenter().lat - MAX_ROADS_SPAN / 2);
      const north = Math.min(b.getNorth(), b.getCenter().lat + MAX_ROADS_SPAN / 2);
      const response = await fetch(`/api/map/roads.geojson?bbox=${[west, south, east, north].map((x) => x.toFixed(6)).join(',')}`);
      if (!response.ok) return;
      const data = (await response.json()) as { features: unknown[] };
      (map.getSource('roads') as GeoJSONSource | undefined)?.setData(data as GeoJSON.FeatureCollection);
      setRoads(data.features.length);
    };
    map.on('load', () => {
      setState('ready');
      void loadRoads();
      void fetch('/api/map/signals.geojson')
        .then((r) => r.json() as Promise<GeoJSON.FeatureCollection>)
        .then((data) => {
          (map.getSource('signals') as GeoJSONSource | undefined)?.setData(data);
          setSignals(data.features.length);
        });
    });
    map.on('moveend', () => void loadRoads());
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, [bbox?.join(',')]);

  // The route: drawn and framed.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || state !== 'ready') return;
    const source = map.getSource('route') as GeoJSONSource | undefined;
    source?.setData(route ? { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: route } } : emptyCollection);
    if (route && route.length > 1) {
      const bounds = new maplibregl.LngLatBounds(route[0], route[0]);
      for (const point of route) bounds.extend(point);
      map.fitBounds(bounds, { padding: { top: 180, bottom: 60, left: 60, right: 60 }, duration: 0, maxZoom: 16 });
    }
  }, [route, state]);

  // A DOM marker per result: visible without glyphs, clickable, labelled.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || state !== 'ready') return;
    const markers = results.map((card, index) => {
      const element = document.createElement('button');
      element.type = 'button';
      element.className = `marker marker-${card.kind}`;
      element.dataset.testid = `marker-${card.kind}`;
      if (card.kind === 'parking') element.textContent = 'P';
      else element.innerHTML = FOOD_SVG;
      element.setAttribute('aria-label', `${index + 1}. ${card.name[lang]}`);
      element.title = card.name[lang];
      element.addEventListener('click', () => onPick(card));
      return new maplibregl.Marker({ element }).setLngLat([card.lon, card.lat]).addTo(map);
    });
    // Frame the results together with the route, so both stay in view.
    if (results.length > 0) {
      const first = results[0]!;
      const bounds = new maplibregl.LngLatBounds([first.lon, first.lat], [first.lon, first.lat]);
      for (const card of results) bounds.extend([card.lon, card.lat]);
      for (const point of route ?? []) bounds.extend(point);
      map.fitBounds(bounds, { padding: { top: 200, bottom: 100, left: 100, right: 100 }, duration: 0, maxZoom: 16 });
    }
    return () => {
      for (const marker of markers) marker.remove();
    };
  }, [results, state, lang]);

  // The trip's stops: numbered in order.
  const stopsKey = (stops ?? []).map((x) => `${x.id}@${x.lat},${x.lon}`).join('|');
  useEffect(() => {
    const map = mapRef.current;
    if (!map || state !== 'ready' || !stops) return;
    const markers = stops.map((stop, index) => {
      const element = document.createElement('div');
      element.className = `marker marker-stop${index === stops.length - 1 ? ' marker-destination' : ''}`;
      element.dataset.testid = 'marker-stop';
      element.textContent = String(index + 1);
      element.setAttribute('role', 'img');
      element.setAttribute('aria-label', `${t(lang).stop} ${index + 1}: ${stop.name[lang]}`);
      element.title = stop.name[lang];
      return new maplibregl.Marker({ element }).setLngLat([stop.lon, stop.lat]).addTo(map);
    });
    return () => {
      for (const marker of markers) marker.remove();
    };
  }, [stopsKey, state, lang]);

  // The car: one marker, moved as reports arrive, pointing where it drives.
  const carMarker = useRef<maplibregl.Marker | null>(null);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || state !== 'ready' || !car) return;
    if (!carMarker.current) {
      const element = document.createElement('div');
      element.className = 'marker-car';
      element.dataset.testid = 'marker-car';
      element.setAttribute('aria-label', lang === 'zh' ? '车辆位置' : 'Car position');
      element.innerHTML = '<svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2 20 21 12 17 4 21Z" fill="#3ddc97" stroke="#0f1720" stroke-width="1.5"/></svg>';
      carMarker.current = new maplibregl.Marker({ element, rotationAlignment: 'map' }).setLngLat([car.lon, car.lat]).addTo(map);
    }
    carMarker.current.setLngLat([car.lon, car.lat]).setRotation(car.headingDeg ?? 0);
    const element = carMarker.current.getElement();
    element.dataset.lat = car.lat.toFixed(6);
    element.dataset.lon = car.lon.toFixed(6);
  }, [car?.lat, car?.lon, car?.headingDeg, state]);
  useEffect(
    () => () => {
      carMarker.current?.remove();
      carMarker.current = null;
    },
    [state],
  );

  return (
    <div
      className="map"
      ref={container}
      role="region"
      aria-label={lang === 'zh' ? '地图' : 'Map'}
      data-testid="map"
      data-state={state}
      data-roads={roads}
      data-signals={signals}
      data-route-points={route?.length ?? 0}
      data-results={results.length}
      data-stops={stops?.length ?? 0}
    >
      {state === 'unavailable' && <p className="map-unavailable">{t(lang).mapUnavailable}</p>}
    </div>
  );
}
