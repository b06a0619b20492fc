/** The page where a patient writes a Google review for a place (SPEC §4, Practice.googlePlaceId). */
export function googleReviewUrl(placeId: string): string {
  const id = placeId.trim();
  if (id === "") throw new Error("A Google place id is required for the review link");
  return `https://search.google.com/local/writereview?placeid=${encodeURIComponent(id)}`;
}
