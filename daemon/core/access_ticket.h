// What a request was accepted under: the BMC's enrollment with its owner at
// that moment. A revoke or a new owner voids the ticket (TenantService's
// sync), and work that holds it stops before its next step at the BMC and
// says nothing into the new owner's console: work queued or waiting (a
// power --wait polls for up to two minutes) never outlives the access that
// allowed it. Read on workers, voided on the bus thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/base/result.h"

namespace ij {

class AccessTicket {
 public:
  explicit AccessTicket(std::string bmc) : bmc_(std::move(bmc)) {}
  bool valid() const { return valid_.load(std::memory_order_acquire); }
  void void_it() { valid_.store(false, std::memory_order_release); }
  // The answer to a request whose ticket was voided.
  Error voided() const {
    return make_error(Errc::not_found, "BMC " + bmc_ + " was revoked or given to another tenant while the request ran");
  }

 private:
  std::string bmc_;
  std::atomic<bool> valid_{true};
};

using Ticket = std::shared_ptr<AccessTicket>;

}  // namespace ij
