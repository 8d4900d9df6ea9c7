import type {
  CancelCommand,
  CompleteCommand,
  DeliveryFailedCommand,
  EnqueueCommand,
  LoginCommand,
  OfferCommand,
  RoutingEngine,
  RoutingEvent,
  SetStateCommand,
  SubmitWrapUpCommand,
  TransferCommand,
  UpsertAgentCommand,
  UpsertQueueCommand,
} from '../domain';

/**
 * One engine command as plain JSON, so it can be journaled and replayed: the engine is
 * deterministic, so replaying the journal onto the snapshot rebuilds the same state.
 */
export type RoutingCommand =
  | ({ readonly kind: 'upsertQueue' } & UpsertQueueCommand)
  | ({ readonly kind: 'upsertAgent' } & UpsertAgentCommand)
  | ({ readonly kind: 'login' } & LoginCommand)
  | ({ readonly kind: 'setState' } & SetStateCommand)
  | ({ readonly kind: 'enqueue' } & EnqueueCommand)
  | ({ readonly kind: 'accept' } & OfferCommand)
  | ({ readonly kind: 'reject' } & OfferCommand)
  | ({ readonly kind: 'complete' } & CompleteCommand)
  | ({ readonly kind: 'submitWrapUp' } & SubmitWrapUpCommand)
  | ({ readonly kind: 'transfer' } & TransferCommand)
  | ({ readonly kind: 'cancel' } & CancelCommand)
  | ({ readonly kind: 'deliveryFailed' } & DeliveryFailedCommand)
  | { readonly kind: 'tick'; readonly now: number };

export function applyCommand(engine: RoutingEngine, command: RoutingCommand): RoutingEvent[] {
  switch (command.kind) {
    case 'upsertQueue':
      return engine.upsertQueue(command);
    case 'upsertAgent':
      return engine.upsertAgent(command);
    case 'login':
      return engine.login(command);
    case 'setState':
      return engine.setState(command);
    case 'enqueue':
      return engine.enqueue(command);
    case 'accept':
      return engine.accept(command);
    case 'reject':
      return engine.reject(command);
    case 'complete':
      return engine.complete(command);
    case 'submitWrapUp':
      return engine.submitWrapUp(command);
    case 'transfer':
      return engine.transfer(command);
    case 'cancel':
      return engine.cancel(command);
    case 'deliveryFailed':
      return engine.deliveryFailed(command);
    case 'tick':
      return engine.tick(command.now);
  }
}
