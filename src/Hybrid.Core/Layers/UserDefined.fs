namespace Hybrid.Core

open System

/// What a user's own activation, loss or initialiser has in common (docs/extending.md): its name, by
/// which two of the same kind are equal and ordered (a registered name is unique in the process).
/// Values of different kinds order by their kind's name, so comparing them never throws. Course: S04,
/// S18-S23, S31.
[<AbstractClass>]
type UserDefined(name: string) =
    /// The name it is registered and saved under.
    member _.Name : string = name
    override this.Equals(other: obj) =
        match other with
        | :? UserDefined as u -> u.GetType() = this.GetType() && String.Equals(u.Name, name, StringComparison.Ordinal)
        | _ -> false
    override _.GetHashCode() = StringComparer.Ordinal.GetHashCode name
    override _.ToString() = name
    interface IComparable with
        member this.CompareTo(other: obj) =
            if isNull other then 1
            else
                let byKind = String.CompareOrdinal(this.GetType().FullName, other.GetType().FullName)
                if byKind <> 0 then byKind else String.CompareOrdinal(name, string other)
