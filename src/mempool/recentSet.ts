/** A set that forgets its oldest members beyond `limit` (hashes remembered for de-duplication). */
export class RecentSet {
  private readonly items = new Set<string>();
  constructor(private readonly limit: number) {}
  has(item: string): boolean {
    return this.items.has(item);
  }
  delete(item: string): void {
    this.items.delete(item);
  }
  add(item: string): void {
    this.items.add(item);
    if (this.items.size > this.limit) this.items.delete(this.items.values().next().value!);
  }
}
