// Places: parking and food near a destination or along a route, opening hours, live parking availability.
export { PlacesIndex } from './places-index.ts';
export { haversineM } from '../map/index.ts';
export type { NearbyPlace, CorridorPlace } from './places-index.ts';
export { KNOWN_CUISINES, cuisineById, parentCuisine, normaliseCuisine, placeCuisines, cuisineFromWord, cuisineMatch } from './cuisine.ts';
export type { Cuisine } from './cuisine.ts';
export { hoursAt, isReadableHours, wallClock, zoneOffsetMs, toWallClockDate, fromWallClockDate, checkTimeZone, WEEKDAYS } from './hours.ts';
export type { HoursAt, DayRef, Weekday, WallClock } from './hours.ts';
export { parkingKindLabel, isCovered, isOpenToPublic, parkingPrice, stayCost, formatMoney } from './parking.ts';
export type { Bilingual, ParkingPrice } from './parking.ts';
export {
  ParkingOccupancy,
  OccupancyUpdateSchema,
  OCCUPANCY_PROFILE,
  FRESH_FOR_MS,
  FUTURE_TOLERANCE_MS,
  typicalOccupancy,
  simulateOccupancy,
} from './occupancy.ts';
export type { OccupancyUpdate, IngestResult, Availability } from './occupancy.ts';
export {
  createPlacesContext,
  findParkingNear,
  findFoodNear,
  findFoodAlongRoute,
  priceLevelOf,
  hoursReason,
  detourReason,
  walkReason,
  spacesReason,
  priceReason,
  WALK_DETOUR_FACTOR,
  WALK_METRES_PER_MINUTE,
} from './recommend.ts';
export type {
  PlacesContext,
  Reason,
  ParkingSearchOptions,
  ParkingRecommendation,
  FoodFilterOptions,
  FoodNearOptions,
  FoodAlongRouteOptions,
  FoodRecommendation,
  FoodAlongRouteResult,
} from './recommend.ts';
export {
  TripPlanner,
  TripStopSchema,
  TripStartSchema,
  STOP_KINDS,
  positionAt,
  chooseMealStop,
} from './trip.ts';
export type {
  Trip,
  TripLeg,
  TripStop,
  TripStart,
  TripRequest,
  PlannedStop,
  TripResult,
  TripFailure,
  TripFailureReason,
  OptimiseResult,
  MealStopResult,
  StopKind,
  TripPosition,
  FindFood,
  MealCandidate,
  MealChoice,
  MealStopOptions,
  Spoken,
} from './trip.ts';
export { bestStopOrder, exactStopOrder, heuristicStopOrder, orderCostMs } from './stop-order.ts';
export type { StopTable, StopOrder, StopOrderOptions } from './stop-order.ts';
